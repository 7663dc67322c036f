"""Plugin tests write real user test files and run them with pytester."""

from __future__ import annotations

from collections.abc import Callable

import pytest

pytest_plugins = ["pytester"]


def _write_ini(pytester: pytest.Pytester, *lines: str) -> None:
    """A user project's pytest.ini: asyncio auto mode plus `lines`.

    Hypothesis' terminal summary costs seconds per inner session; user suites here
    do not use it.
    """
    settings = [
        "[pytest]",
        "addopts = -p no:hypothesispytest -p no:randomly",
        "asyncio_mode = auto",
        "asyncio_default_fixture_loop_scope = function",
        *lines,
    ]
    pytester.makeini("\n".join(settings))


@pytest.fixture
def user_project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester directory configured like a user project."""
    _write_ini(pytester)
    return pytester


@pytest.fixture
def write_ini(pytester: pytest.Pytester) -> Callable[..., None]:
    """Rewrite the user project's pytest.ini with extra lines."""
    return lambda *lines: _write_ini(pytester, *lines)
