"""headrace's pytest plugin: fixtures for testing flows, registered via `pytest11`.

One noun fixture per concern, each configured by a marker of the same name (a marker
alone also applies its fixture to the test). Every name carries the `headrace_` prefix,
like `httpx_mock` or `respx_mock`, so it never collides with a suite's own fixtures or
another plugin's markers:

    headrace_harness          a fresh store, home and settings (module/session variants too)
    headrace_flow_runs        what ran in this test: flow runs, task runs, states, logs
    headrace_blocks           an isolated block store, pre-populated from a dict or the marker
    headrace_no_retry_delays  retries happen at once; the delays asked for are recorded
    headrace_mock_task        replace a task's function for one test, recording calls
    headrace_clock            drive cache expiry and schedules without sleeping
    headrace_run_logs         the run loggers' records, caplog-style
    headrace_block_network    httpx/requests calls no respx/responses route answers fail

The names without the prefix (`flow_runs`, `clock`, ...) still work as fixtures and
markers, with a DeprecationWarning, through headrace 0.2; they go in 0.3.

ini options: `headrace_harness = function | module | session` applies that harness to
every test; `headrace_block_network = true` blocks the network in every test, and
`headrace_allow_hosts` lists hosts it always lets through.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from headrace.testing.utilities import HarnessInfo, headrace_test_harness

if TYPE_CHECKING:
    from headrace.testing.blocks import BlockStore
    from headrace.testing.history import FlowRunHistory
    from headrace.testing.logs import RunLogCapture
    from headrace.testing.mocking import TaskMocker
    from headrace.testing.network import NetworkBlocker
    from headrace.testing.timing import FakeClock, InstantSleep

MARKERS = {
    "headrace_harness": "headrace_harness(database=None): run the test in a fresh headrace "
    "harness; database=':memory:' keeps the store in memory",
    "headrace_flow_runs": "headrace_flow_runs(assert_all_finished=True): query the runs of "
    "this test; fail at teardown if a run is left unfinished unless switched off",
    "headrace_blocks": "headrace_blocks(documents=None, **named): save these blocks "
    "({'name': Block} or {'block-type/name': {fields}}) in the test's isolated block store",
    "headrace_no_retry_delays": "headrace_no_retry_delays: retry delays return at once and "
    "are recorded",
    "headrace_mock_task": "headrace_mock_task(assert_all_called=True): fail at teardown if a "
    "mocked task was never called, unless switched off",
    "headrace_clock": "headrace_clock(start=None): a fake clock for cache expiry and "
    "schedules, starting at an aware datetime, ISO string or timestamp (default: now)",
    "headrace_run_logs": "headrace_run_logs(level=None): capture headrace run logs, at this "
    "level if given",
    "headrace_block_network": "headrace_block_network(allow_hosts=(), "
    "assert_none_blocked=True): fail HTTP calls (httpx, requests) that no test route answers",
}

#: The names before the `headrace_` prefix: deprecated fixture and marker aliases, kept
#: through headrace 0.2 and removed in 0.3.
DEPRECATED_NAMES = {
    "flow_runs": "headrace_flow_runs",
    "blocks": "headrace_blocks",
    "no_retry_delays": "headrace_no_retry_delays",
    "mock_task": "headrace_mock_task",
    "clock": "headrace_clock",
    "run_logs": "headrace_run_logs",
    "block_network": "headrace_block_network",
}
_OLD_NAMES = {new: old for old, new in DEPRECATED_NAMES.items()}

HARNESS_SCOPES = {
    "function": "headrace_harness",
    "module": "headrace_harness_module",
    "session": "headrace_harness_session",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "headrace_harness",
        "apply a headrace harness to every test: off (default), function, module or session",
        default="off",
    )
    parser.addini(
        "headrace_block_network",
        "block real HTTP calls from httpx and requests in every test",
        type="bool",
        default=False,
    )
    parser.addini(
        "headrace_allow_hosts",
        "hosts block_network lets through in every test (e.g. 127.0.0.1 for local fakes)",
        type="linelist",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
    for old, new in DEPRECATED_NAMES.items():
        config.addinivalue_line("markers", f"{old}: deprecated alias of {new} (gone in 0.3)")
    mode = config.getini("headrace_harness")
    if mode != "off" and mode not in HARNESS_SCOPES:
        raise pytest.UsageError(
            f"headrace_harness = {mode!r}: use off, {', '.join(HARNESS_SCOPES)}"
        )


def warn_deprecated_name(old: str, new: str, kind: str = "fixture") -> None:
    """The DeprecationWarning for a pytest fixture or marker used under its old name."""
    warnings.warn(
        f"the {old!r} {kind} is deprecated and goes in headrace 0.3: use {new!r}",
        DeprecationWarning,
        stacklevel=3,
    )


def closest_marker(
    request: pytest.FixtureRequest, name: str, old_name: str | None = None
) -> pytest.Mark | None:
    """The test's closest `name` marker, or else the closest marker under its deprecated
    name (`old_name`, or headrace's own `DEPRECATED_NAMES`), with a DeprecationWarning."""
    marker = request.node.get_closest_marker(name)
    old = old_name or _OLD_NAMES.get(name)
    if marker is None and old is not None:
        marker = request.node.get_closest_marker(old)
        if marker is not None:
            warn_deprecated_name(old, name, "marker")
    return marker


def marker_options(request: pytest.FixtureRequest, name: str, **defaults: Any) -> dict[str, Any]:
    """The marker's keyword arguments over `defaults`; unknown keywords are an error."""
    marker = closest_marker(request, name)
    if marker is None:
        return defaults
    unknown = set(marker.kwargs) - set(defaults)
    if unknown or marker.args:
        accepted = ", ".join(defaults) or "no arguments"
        raise pytest.UsageError(
            f"@pytest.mark.{marker.name} got "
            f"{', '.join(sorted(unknown)) or 'positional arguments'}; it accepts {accepted}"
        )
    return {**defaults, **marker.kwargs}


@pytest.fixture(autouse=True)
def _headrace_autouse(request: pytest.FixtureRequest) -> None:
    """Apply the ini-configured harness and every fixture whose marker the test carries."""
    mode = request.config.getini("headrace_harness")
    if mode != "off":
        request.getfixturevalue(HARNESS_SCOPES[mode])
    if request.config.getini("headrace_block_network"):
        request.getfixturevalue("headrace_block_network")
    for name in MARKERS:
        old = _OLD_NAMES.get(name)
        marked = request.node.get_closest_marker(name) is not None
        if marked or (old is not None and request.node.get_closest_marker(old) is not None):
            request.getfixturevalue(name)


_CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[pytest.TestReport]:
    """Keep the call phase's report, so teardown checks stay quiet when the test failed."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    return report


def _test_failed(request: pytest.FixtureRequest) -> bool:
    report = request.node.stash.get(_CALL_REPORT, None)
    return report is not None and report.failed


# -- harness -----------------------------------------------------------------------------
def _harness_fixture(scope: str) -> Callable[..., Iterator[HarnessInfo]]:
    """The harness fixture for one scope, named after it in HARNESS_SCOPES; every scope
    reads the `headrace_harness` marker from the closest node that has one."""

    def harness(request: pytest.FixtureRequest) -> Iterator[HarnessInfo]:
        options = marker_options(request, "headrace_harness", database=None)
        with headrace_test_harness(**options) as info:
            yield info

    harness.__doc__ = f"A fresh headrace store, home and settings for each {scope}."
    return pytest.fixture(scope=scope, name=HARNESS_SCOPES[scope])(harness)  # type: ignore[call-overload]


headrace_harness = _harness_fixture("function")
headrace_harness_module = _harness_fixture("module")
headrace_harness_session = _harness_fixture("session")


# -- run history -------------------------------------------------------------------------
@pytest.fixture
def headrace_flow_runs(
    request: pytest.FixtureRequest, headrace_harness: HarnessInfo
) -> Iterator[FlowRunHistory]:
    """The flow runs (and their task runs, states and logs) recorded in this test."""
    from headrace.testing.history import FlowRunHistory

    options = marker_options(request, "headrace_flow_runs", assert_all_finished=True)
    history = FlowRunHistory()
    yield history
    if options["assert_all_finished"] and not _test_failed(request):
        unfinished = history.unfinished()
        if unfinished:
            shown = ", ".join(f"{run.name!r} ({run.state_name})" for run in unfinished)
            pytest.fail(
                f"headrace_flow_runs: runs still unfinished when the test ended: {shown}. "
                "Wait for them, or switch this check off with "
                "@pytest.mark.headrace_flow_runs(assert_all_finished=False).",
                pytrace=False,
            )


@pytest.fixture
def headrace_block_documents() -> dict[str, Any]:
    """Blocks every test using `headrace_blocks` starts with; override it in a conftest.py."""
    return {}


@pytest.fixture
def headrace_blocks(
    request: pytest.FixtureRequest,
    headrace_harness: HarnessInfo,
    headrace_block_documents: dict[str, Any],
) -> BlockStore:
    """An isolated block store holding `headrace_block_documents` and the marker's blocks."""
    from headrace.testing.blocks import BlockStore

    store = BlockStore()
    store.update(headrace_block_documents)
    marker = closest_marker(request, "headrace_blocks")
    if marker is not None:
        for documents in marker.args:
            store.update(documents)
        store.update(marker.kwargs)
    return store


# -- time --------------------------------------------------------------------------------
@pytest.fixture
def _headrace_instant_sleep() -> Iterator[InstantSleep]:
    from headrace.testing.timing import InstantSleep
    from headrace.utilities import clock as headrace_clock

    sleeper = InstantSleep()
    previous = headrace_clock.set_sleep(sleeper)
    yield sleeper
    headrace_clock.set_sleep(previous)


@pytest.fixture
def headrace_no_retry_delays(
    request: pytest.FixtureRequest, _headrace_instant_sleep: InstantSleep
) -> InstantSleep:
    """Retry delays return at once; `.delays` lists the seconds each retry asked for."""
    marker_options(request, "headrace_no_retry_delays")
    return _headrace_instant_sleep


@pytest.fixture
def headrace_clock(
    request: pytest.FixtureRequest, _headrace_instant_sleep: InstantSleep
) -> Iterator[FakeClock]:
    """A fake clock for cache expiry and schedules; retry delays advance it instantly."""
    from headrace.testing.timing import FakeClock
    from headrace.utilities import clock as headrace_clock

    options = marker_options(request, "headrace_clock", start=None)
    fake = FakeClock(options["start"])
    previous = headrace_clock.set_clock(fake.time)
    _headrace_instant_sleep.clock = fake
    yield fake
    _headrace_instant_sleep.clock = None
    headrace_clock.set_clock(previous)


# -- mocking and logs --------------------------------------------------------------------
@pytest.fixture
def headrace_mock_task(request: pytest.FixtureRequest) -> Iterator[TaskMocker]:
    """`mock_task(my_task, return_value=...)` replaces the task's function for this test."""
    from headrace.testing.mocking import TaskMocker

    options = marker_options(request, "headrace_mock_task", assert_all_called=True)
    mocker = TaskMocker()
    yield mocker
    uncalled = mocker.never_called()
    mocker.stop_all()
    if options["assert_all_called"] and uncalled and not _test_failed(request):
        names = ", ".join(repr(task_mock.task.name) for task_mock in uncalled)
        pytest.fail(
            f"headrace_mock_task: mocked task(s) never called: {names}. Remove the mock, or switch "
            "this check off with @pytest.mark.headrace_mock_task(assert_all_called=False).",
            pytrace=False,
        )


@pytest.fixture
def headrace_run_logs(request: pytest.FixtureRequest) -> Iterator[RunLogCapture]:
    """Records logged by flow and task runs (and other headrace loggers) in this test."""
    from headrace.testing.logs import RunLogCapture

    options = marker_options(request, "headrace_run_logs", level=None)
    capture = RunLogCapture()
    with capture.attached():
        if options["level"] is None:
            yield capture
        else:
            with capture.at_level(options["level"]):
                yield capture


# -- network -----------------------------------------------------------------------------
@pytest.fixture
def headrace_block_network(request: pytest.FixtureRequest) -> Iterator[NetworkBlocker]:
    """HTTP calls from httpx and requests that no respx/responses route answers fail."""
    from headrace.testing.network import NetworkBlocker

    options = marker_options(
        request, "headrace_block_network", allow_hosts=(), assert_none_blocked=True
    )
    allowed = [*request.config.getini("headrace_allow_hosts"), *options["allow_hosts"]]
    blocker = NetworkBlocker(allowed)
    blocker.start()
    yield blocker
    blocker.stop()
    if options["assert_none_blocked"] and blocker.blocked and not _test_failed(request):
        pytest.fail(
            "headrace_block_network: real HTTP requests were attempted (and blocked) during this "
            f"test, even if the code under test caught the error: {', '.join(blocker.blocked)}."
            " Switch this check off with "
            "@pytest.mark.headrace_block_network(assert_none_blocked=False).",
            pytrace=False,
        )


# -- deprecated names ----------------------------------------------------------------------
def deprecated_fixture(old: str, new: str, scope: str = "function") -> Any:
    """A fixture named `old` (of `new`'s scope) that warns, then gives fixture `new`'s value.

    Plugins keep a renamed fixture's old name working for a release with it:
    `_alias = deprecated_fixture("moto_server", "headrace_s3_server", "session")` at module
    level.
    """

    def alias(request: pytest.FixtureRequest) -> Any:
        warn_deprecated_name(old, new)
        return request.getfixturevalue(new)

    alias.__doc__ = f"Deprecated alias of `{new}` (gone in headrace 0.3)."
    return pytest.fixture(name=old, scope=scope)(alias)  # type: ignore[call-overload]


_flow_runs_alias = deprecated_fixture("flow_runs", "headrace_flow_runs")
_blocks_alias = deprecated_fixture("blocks", "headrace_blocks")
_no_retry_delays_alias = deprecated_fixture("no_retry_delays", "headrace_no_retry_delays")
_mock_task_alias = deprecated_fixture("mock_task", "headrace_mock_task")
_clock_alias = deprecated_fixture("clock", "headrace_clock")
_run_logs_alias = deprecated_fixture("run_logs", "headrace_run_logs")
_block_network_alias = deprecated_fixture("block_network", "headrace_block_network")
