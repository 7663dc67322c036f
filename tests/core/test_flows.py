import asyncio
import time

import pytest

from headrace import flow, runtime, tags, task
from headrace.exceptions import FailedRun, ParameterBindError, ParameterTypeError
from headrace.states import Failed


@task
def fail():
    raise ValueError("task failed")


def test_flow_returns_value_and_state():
    @flow
    def hello(name: str = "world"):
        return f"hello {name}"

    assert hello() == "hello world"
    state = hello("you", return_state=True)
    assert state.is_completed() and state.result() == "hello you"


def test_default_flow_name_uses_dashes():
    @flow
    def my_pipeline():
        return runtime.flow_run.flow_name

    assert my_pipeline.name == "my-pipeline"
    assert my_pipeline() == "my-pipeline"


def test_exception_fails_the_flow_and_reaches_the_caller():
    @flow
    def broken():
        fail()

    with pytest.raises(ValueError, match="task failed"):
        broken()
    state = broken(return_state=True)
    assert state.is_failed()
    assert "ValueError: task failed" in state.message


def test_unresolved_failed_future_does_not_fail_the_flow():
    @flow
    def pipeline():
        fail.submit()
        return "done"

    assert pipeline() == "done"


def test_returned_failed_future_or_state_fails_the_flow():
    @flow
    def returns_future():
        return fail.submit()

    @flow
    def returns_states():
        return [fail.submit(), fail.submit()]

    @flow
    def returns_failed_state():
        return Failed(message="custom failure")

    with pytest.raises(ValueError):
        returns_future()
    state = returns_states(return_state=True)
    assert state.is_failed() and state.message == "2/2 states failed."
    with pytest.raises(FailedRun, match="custom failure"):
        returns_failed_state()


def test_parameters_are_coerced_and_validated():
    @flow
    def typed(count: int, ratio: float = 0.5):
        return count, ratio

    assert typed("5") == (5, 0.5)
    with pytest.raises(ParameterTypeError, match="count"):
        typed("five")
    state = typed("five", return_state=True)
    assert state.is_failed()
    assert state.message.startswith("Validation of flow parameters failed")


def test_unexpected_keyword_raises_parameter_bind_error_without_values():
    @task
    def double(x, y=1):
        return x * 2

    @flow
    def add(x, y=1):
        return x + y

    @flow
    def calls_task_badly():
        return double("s3cret-value", z=2)

    # same number of names as parameters: the fast binding path must not KeyError
    with pytest.raises(ParameterBindError) as info:
        add("s3cret-value", z=2)
    first_line, detail = str(info.value).split("\n")
    assert first_line == (
        "Error binding parameters for function 'add': got an unexpected keyword argument 'z'."
    )
    assert "signature 'x, y=1'" in detail and "['z']" in detail
    assert "s3cret-value" not in str(info.value)
    with pytest.raises(ParameterBindError, match="function 'double': got an unexpected keyword"):
        calls_task_badly()


def test_hooks_that_are_not_callables_are_rejected_at_decoration():
    def hook(*_):
        pass

    with pytest.raises(TypeError) as info:
        flow(on_failure=[hook, "typo"])(lambda: None)
    assert str(info.value) == (
        "Expected callables in 'on_failure'; got str instead. Please provide a list of "
        "hooks to 'on_failure':\n\n@flow(on_failure=[hook1, hook2])\ndef my_flow():\n\tpass"
    )
    with pytest.raises(TypeError, match="Expected iterable for 'on_running'; got function"):
        task(on_running=hook)(lambda: None)
    with pytest.raises(TypeError, match=r"@task\(on_completion=\[hook1, hook2\]\)"):
        task(on_completion=[1])(lambda: None)
    assert flow(on_completion=(hook,))(lambda: None).on_completion_hooks == [hook]


def test_validation_can_be_switched_off():
    @flow(validate_parameters=False)
    def raw(count: int):
        return count

    assert raw("5") == "5"


def test_subflows_nest_and_know_their_parent():
    seen = {}

    @flow
    def leaf():
        seen["leaf_parent"] = runtime.flow_run.parent_flow_run_id
        return 1

    @flow
    def middle():
        seen["middle"] = runtime.flow_run.id
        return leaf() + 1

    @flow
    def root():
        return middle() + 1

    assert root() == 3
    assert seen["leaf_parent"] == seen["middle"]


def test_flow_retries_rerun_the_body():
    runs = []

    @flow(retries=2)
    def flaky():
        runs.append(runtime.flow_run.run_count)
        if len(runs) < 3:
            raise RuntimeError("try again")
        return "ok"

    assert flaky() == "ok"
    assert runs == [1, 2, 3]


def test_flow_timeout():
    @flow(timeout_seconds=0.2)
    def slow():
        time.sleep(3)

    started = time.monotonic()
    state = slow(return_state=True)
    assert state.name == "TimedOut" and state.is_failed()
    assert time.monotonic() - started < 1.5


def test_flow_hooks_and_crash():
    seen = []

    def record(flow, run, state):
        seen.append((flow.name, state.name))

    @flow(on_completion=[record], on_failure=[record], on_running=[record])
    def ok(fail_it: bool = False):
        if fail_it:
            raise ValueError("x")

    ok()
    ok(True, return_state=True)
    assert seen == [("ok", "Running"), ("ok", "Completed"), ("ok", "Running"), ("ok", "Failed")]

    crashed = []

    @flow(on_crashed=[lambda f, r, s: crashed.append(s.name)])
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert crashed == ["Crashed"]


def test_flow_run_name_and_runtime_parameters():
    @flow(flow_run_name="report-{day}")
    def report(day: str):
        return runtime.flow_run.name, runtime.flow_run.parameters

    assert report("mon") == ("report-mon", {"day": "mon"})


def test_tags_context_reaches_task_runs():
    @task(tags=["own"])
    def tagged():
        return runtime.task_run.tags

    @flow
    def pipeline():
        with tags("a", "b"):
            return tagged()

    assert pipeline() == ["a", "b", "own"]


def test_async_flow_with_sync_and_async_tasks():
    @task
    async def fetch(x):
        await asyncio.sleep(0.01)
        return x

    @task
    def combine(values):
        return sum(values)

    @flow
    async def pipeline():
        values = await asyncio.gather(fetch(1), fetch(2))
        return combine(values)

    assert asyncio.run(pipeline()) == 3


def test_with_options_on_flows():
    @flow(name="original")
    def base():
        return runtime.flow_run.flow_name

    assert base.with_options(name="changed")() == "changed"
    assert base() == "original"


def test_well_typed_calls_do_not_need_pydantic(tmp_path):
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from headrace import flow, task\n"
        "@task\n"
        "def add(a: int, b: int) -> int:\n"
        "    return a + b\n"
        "@flow\n"
        "def first(x: int, label: str = 'n') -> int:\n"
        "    return add(x, 1)\n"
        "assert first(1) == 2\n"
        "print('pydantic' in sys.modules)\n"
        "assert first('41') == 42\n"
        "print('pydantic' in sys.modules)\n"
    )
    env = {"HEADRACE_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    assert out == ["False", "True"]


def test_flow_run_ids_are_random_version_4_uuids():
    import uuid

    from headrace.run_records import new_run_id

    ids = {new_run_id() for _ in range(500)}
    assert len(ids) == 500
    assert all(uuid.UUID(value).version == 4 for value in ids)
    assert len({value[:4] for value in ids}) > 400  # short prefixes tell them apart


def test_task_run_ids_are_time_ordered_version_7_uuids():
    import time
    import uuid

    from headrace.run_records import new_task_run_id

    before_ms = time.time_ns() // 1_000_000
    ids = [new_task_run_id() for _ in range(500)]
    after_ms = time.time_ns() // 1_000_000
    assert len(set(ids)) == 500
    for value in ids:
        parsed = uuid.UUID(value)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, value)
        assert before_ms <= parsed.int >> 80 <= after_ms  # the leading 48 bits: milliseconds
    # ids made in later milliseconds sort after earlier ones (the store appends them)
    assert [value[:13] for value in ids] == sorted(value[:13] for value in ids)
