"""Every block test runs against a real SQLite store in its own temporary HEADRACE_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from headrace.plugins.manager import reset_plugin_manager
from headrace.store import reset_store

ENV_VARS = (
    "HEADRACE_DATABASE",
    "HEADRACE_ENCRYPTION_KEY",
    "HEADRACE_DISABLE_PLUGINS",
    "HEADRACE_DISABLE_PLUGIN_AUTOLOAD",
)


@pytest.fixture(autouse=True)
def headrace_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "headrace-home"
    monkeypatch.setenv("HEADRACE_HOME", str(home))
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    reset_store()
    reset_plugin_manager()
    yield home
    reset_store()
    reset_plugin_manager()


@pytest.fixture
def throwaway_slugs() -> Iterator[list[str]]:
    """Slugs of block classes a test defines; they leave the registry afterwards."""
    from headrace.blocks.registry import forget_block_type

    slugs: list[str] = []
    yield slugs
    for slug in slugs:
        forget_block_type(slug)
