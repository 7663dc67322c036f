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
import headrace.tasks
import headrace.testing.assertions
import headrace.testing.blocks
import headrace.testing.history
import headrace.testing.logs
import headrace.testing.mocking
import headrace.testing.network
import headrace.testing.timing  # noqa: F401

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
