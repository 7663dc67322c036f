"""Plugin tests write real user test files and run them with pytester.

In-process pytester runs forget the modules first imported during a run, so the modules
a user suite touches are imported here once: every inner run then shares the same
classes (Task, State, Block) as the toolkit's isinstance checks.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import headrace.blocks.core
import headrace.blocks.system
import headrace.cache_policies
import headrace.engine._flow_run
import headrace.engine._task_run
import headrace.flows
import headrace.schedules
import headrace.tasks
import headrace.testing.assertions
import headrace.testing.blocks
import headrace.testing.history
import headrace.testing.logs
import headrace.testing.mocking
import headrace.testing.network
import headrace.testing.timing  # noqa: F401

pytest_plugins = ["pytester"]


#: the plugins a user suite here runs with; autoload is off so that whatever else is
#: installed in this venv (integration plugins, hypothesis) neither slows nor changes it
USER_PLUGINS = (
    "headrace.testing.pytest_plugin",
    "pytest_asyncio.plugin",
    "anyio.pytest_plugin",
    "respx.plugin",
    "xdist.plugin",
)


def _write_ini(pytester: pytest.Pytester, *lines: str) -> None:
    """A user project's pytest.ini: the plugins above, asyncio auto mode, then `lines`."""
    settings = [
        "[pytest]",
        "addopts = " + " ".join(f"-p {plugin}" for plugin in USER_PLUGINS),
        "asyncio_mode = auto",
        "asyncio_default_fixture_loop_scope = function",
        *lines,
    ]
    pytester.makeini("\n".join(settings))


@pytest.fixture
def user_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester directory configured like a user project."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    _write_ini(pytester)
    return pytester


@pytest.fixture
def write_ini(pytester: pytest.Pytester) -> Callable[..., None]:
    """Rewrite the user project's pytest.ini with extra lines."""
    return lambda *lines: _write_ini(pytester, *lines)
