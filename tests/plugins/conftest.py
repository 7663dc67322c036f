"""Fixtures for plugin tests: a fresh store and plugin manager per test, and the example
distribution (tests/plugin_dist) really installed by pip.

The distribution is installed once per test session with `pip install --target` into a
temporary directory, not into the project's venv (other tests must not see its broken
plugins) and not into a new venv (which would need pip bootstrapped, seconds per run). A
`--target` directory holds the same `*.dist-info` an install into site-packages writes, so
putting it on `sys.path` (in-process) or `PYTHONPATH` (subprocesses) is exactly how
`importlib.metadata` discovers an installed plugin. It builds offline with the in-tree
backend in tests/plugin_dist/wheel_backend.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from headrace.plugins.manager import reset_plugin_manager
from headrace.store import reset_store

DIST = Path(__file__).parents[1] / "plugin_dist"
PLUGIN_PACKAGE = "headrace_example_plugin"
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


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the installed example distribution."""
    target = tmp_path_factory.mktemp("plugin-site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--target",
            str(target),
            str(DIST),
        ],
        check=True,
    )
    return target


@pytest.fixture
def example_dist(plugin_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The example distribution visible to this process, and forgotten afterwards."""
    from headrace.blocks.registry import forget_block_type

    monkeypatch.syspath_prepend(str(plugin_site))
    reset_plugin_manager()
    yield plugin_site
    reset_plugin_manager()
    forget_block_type("example-credentials")
    for name in [
        m for m in sys.modules if m == PLUGIN_PACKAGE or m.startswith(PLUGIN_PACKAGE + ".")
    ]:
        del sys.modules[name]
