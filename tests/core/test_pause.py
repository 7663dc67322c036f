"""Pausing, suspending and resuming flow runs, across real processes sharing the store."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from headrace import flow, pause_flow_run, resume_flow_run, suspend_flow_run
from headrace.exceptions import (
    FlowPauseTimeout,
    FlowRunWaitTimeout,
    NotPausedError,
    ObjectNotFound,
)
from headrace.flow_runs import wait_for_flow_run
from headrace.input import (
    RunInput,
    create_flow_run_input,
    keyset_from_base_key,
    read_flow_run_input,
    receive_input,
    send_input,
)
from headrace.run_records import FlowRun
from headrace.states import Running
from headrace.store import get_store, reset_store
from headrace.store.interface import FlowRunQuery

PAUSING_SCRIPT = """
import sys
from headrace import flow, pause_flow_run
from headrace.input import RunInput


class Approval(RunInput):
    approved: bool
    reviewer: str = "nobody"


@flow
def needs_approval(amount: int) -> str:
    answer = pause_flow_run(
        wait_for_input=Approval.with_initial_data(description="Approve?", approved=False),
        timeout=60,
    )
    return f"{amount} approved={answer.approved} by {answer.reviewer}"


print(needs_approval(7))
"""


def wait_until(condition: Callable[[], object], timeout: float = 20.0, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def runs_in(state_type: str, flow_name: str | None = None) -> list[dict]:
    query = FlowRunQuery(
        state_types=[state_type], flow_names=None if flow_name is None else [flow_name]
    )
    return get_store().runs.read_flow_runs(query)


def state_names(run_id: str) -> list[str]:
    return [row["name"] for row in get_store().runs.read_states(run_id)]


def resume_cli(run_id: str, run_input: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "headrace", "flow-run", "resume", run_id, "--input", run_input],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_run_paused_in_another_process_resumes_with_validated_input(tmp_path: Path) -> None:
    script = tmp_path / "pausing.py"
    script.write_text(PAUSING_SCRIPT)
    child = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        (paused,) = wait_until(lambda: runs_in("PAUSED"), what="the run to pause")
        assert paused["state_name"] == "Paused"
        run_id = paused["id"]
        # the input's schema is stored under the pause's keyset, defaults included
        schema = read_flow_run_input("paused-1-schema", flow_run_id=run_id)
        assert schema["properties"]["approved"]["default"] is False
        assert read_flow_run_input("paused-1-description", flow_run_id=run_id) == "Approve?"

        # resumed from a third process, the CLI: a bad input is refused and changes nothing
        refused = resume_cli(run_id, '{"approved": "perhaps"}')
        assert refused.returncode == 1
        assert "Invalid run input at 'approved'" in refused.stderr
        assert get_store().runs.read_flow_run(run_id)["state_type"] == "PAUSED"

        resumed = resume_cli(run_id[:8], '{"approved": true, "reviewer": "ann"}')
        assert resumed.returncode == 0, resumed.stderr
        assert run_id in resumed.stdout  # the CLI names the run it resumed
        finished = asyncio.run(wait_for_flow_run(run_id, timeout=30))
        assert finished.state.is_completed()
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert out.strip() == "7 approved=True by ann"
    assert "Resuming flow run execution!" in err
    row = get_store().runs.read_flow_run(run_id)
    assert row["state_type"] == "COMPLETED"
    names = state_names(run_id)
    assert names.index("Paused") < names.index("Running", names.index("Paused"))
    with pytest.raises(NotPausedError):
        resume_flow_run(run_id)


def test_a_run_paused_by_a_process_that_died_is_crashed(tmp_path: Path) -> None:
    script = tmp_path / "pausing.py"
    script.write_text(PAUSING_SCRIPT)
    child = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.DEVNULL)
    try:
        (paused,) = wait_until(lambda: runs_in("PAUSED"), what="the run to pause")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    reset_store()  # the next process to open the store notices
    row = get_store().runs.read_flow_run(paused["id"])
    assert row["state_type"] == "CRASHED"
    assert "ended before it was resumed" in row["state_message"]
    with pytest.raises(NotPausedError):
        resume_flow_run(paused["id"])


def test_a_pause_that_times_out_fails_the_run() -> None:
    @flow
    def waits() -> None:
        pause_flow_run(timeout=0.2, poll_interval=0.05)

    state = waits(return_state=True)
    assert state.is_failed()
    assert isinstance(state.data, FlowPauseTimeout)
    assert "paused and never resumed" in str(state.data)
    run_id = state.state_details.flow_run_id
    assert "Paused" in state_names(run_id)
    with pytest.raises(NotPausedError):
        resume_flow_run(run_id)
    again = resume_cli(run_id, "{}")
    assert again.returncode == 1 and "isn't paused" in again.stderr


def test_waiting_for_an_unfinished_run_times_out() -> None:
    store = get_store()
    run = FlowRun("forever", {})
    run.state = Running()
    store.runs.record_flow_run(run)
    with pytest.raises(FlowRunWaitTimeout, match="exceeded watch timeout"):
        asyncio.run(wait_for_flow_run(run.id, timeout=0.1))


def test_a_resume_after_the_timeout_is_refused_and_the_pause_expires() -> None:
    store = get_store()
    run = FlowRun("manual", {})
    run.state = Running()
    store.runs.record_flow_run(run)
    assert store.flow_run_inputs.pause(run.id, "1", False, 0.05, None) == "paused"
    timeout_at = store.flow_run_inputs.read_pause(run.id, "1")["timeout_at"]
    wait_until(lambda: time.time() > timeout_at, what="the pause deadline")
    with pytest.raises(FlowPauseTimeout, match="can no longer be resumed"):
        resume_flow_run(run.id)
    assert store.flow_run_inputs.read_pause(run.id, "1")["status"] == "expired"
    assert not store.flow_run_inputs.expire_pause(run.id, "1")  # only once


def test_resuming_what_is_not_paused_says_so() -> None:
    @flow
    def plain() -> int:
        return 1

    state = plain(return_state=True)
    with pytest.raises(NotPausedError, match="isn't paused"):
        resume_flow_run(state.state_details.flow_run_id)
    with pytest.raises(ObjectNotFound):
        resume_flow_run("00000000-0000-4000-8000-000000000000")
    with pytest.raises(RuntimeError, match="within a flow run"):
        pause_flow_run(timeout=1)
    with pytest.raises(ValueError, match="timeout"):

        @flow
        def bad() -> None:
            pause_flow_run(timeout=0)

        bad()


def test_a_pause_key_already_resumed_does_not_pause_again() -> None:
    resumed: list[str] = []

    def resumer() -> None:
        (paused,) = wait_until(lambda: runs_in("PAUSED", "twice"), what="the pause")
        resume_flow_run(paused["id"], run_input={"value": 41})
        resumed.append(paused["id"])

    @flow
    def twice() -> int:
        first = pause_flow_run(wait_for_input=int, key="approval", timeout=30)
        again = pause_flow_run(wait_for_input=int, key="approval", timeout=30)  # no wait
        return first + again

    thread = threading.Thread(target=resumer)
    thread.start()
    assert twice() == 82
    thread.join()
    assert state_names(resumed[0]).count("Paused") == 1


def test_async_flows_await_the_pause() -> None:
    def resumer() -> None:
        (paused,) = wait_until(lambda: runs_in("PAUSED", "async-waits"), what="the pause")
        resume_flow_run(paused["id"])

    @flow
    async def async_waits() -> str:
        await pause_flow_run(timeout=30, poll_interval=1)
        return "went on"

    thread = threading.Thread(target=resumer)
    thread.start()
    assert asyncio.run(async_waits()) == "went on"
    thread.join()


def test_suspending_a_run_without_a_deployment_is_refused() -> None:
    @flow
    def lonely() -> None:
        suspend_flow_run()

    state = lonely(return_state=True)
    assert state.is_failed()
    assert "without a deployment" in state.message


def test_suspending_another_run_marks_it_suspended() -> None:
    store = get_store()
    run = FlowRun("elsewhere", {})
    run.state = Running()
    run.deployment_id = "d-1"
    store.runs.record_flow_run(run)
    suspend_flow_run(flow_run_id=run.id, timeout=60)
    row = store.runs.read_flow_run(run.id)
    assert (row["state_type"], row["state_name"]) == ("PAUSED", "Suspended")


def test_inputs_are_sent_and_received_between_processes(tmp_path: Path) -> None:
    script = tmp_path / "receiver.py"
    script.write_text(
        "from headrace import flow\n"
        "from headrace.input import receive_input\n"
        "@flow\n"
        "def receiver():\n"
        "    got = []\n"
        "    for number in receive_input(int, timeout=20, poll_interval=0.05):\n"
        "        got.append(number)\n"
        "        if len(got) == 3:\n"
        "            break\n"
        "    return got\n"
        "print(receiver())\n"
    )
    child = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        (running,) = wait_until(lambda: runs_in("RUNNING", "receiver"), what="the receiver")
        for number in (3, 1, 2):
            send_input(number, flow_run_id=running["id"])
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert out.strip() == "[3, 1, 2]"


def test_run_inputs_respond_to_their_sender() -> None:
    class Question(RunInput):
        number: int

    @flow
    def asker() -> int:
        from headrace.context import FlowRunContext

        me = FlowRunContext.get().flow_run.id
        Question(number=6).send_to(me)  # to itself: the sender is this run
        (received,) = list(Question.receive(timeout=0.5, poll_interval=0.05))
        assert received.metadata.sender == f"prefect.flow-run.{me}"
        received.respond(Question(number=received.number * 7), key_prefix="answer")
        (answer,) = list(receive_input(Question, timeout=0.5, key_prefix="answer"))
        return answer.number

    assert asker() == 42


SUSPENDING_FLOWS = """
import pathlib

from headrace import flow, suspend_flow_run, task


@task(persist_result=True)
def expensive(x: int, marker: str) -> int:
    with open(marker, "a") as log:
        log.write("ran\\n")
    return x * 10


@flow
def approve(x: int, marker: str) -> int:
    value = expensive(x, marker)
    bonus = suspend_flow_run(wait_for_input=int, timeout=120)
    pathlib.Path(marker + ".result").write_text(str(value + bonus))
    return value + bonus
"""


def test_a_suspended_deployment_run_is_rerun_by_its_worker_when_resumed(tmp_path: Path) -> None:
    from headrace.deployments import load_flow_from_source, records
    from headrace.deployments.deploy import run_deployment

    project = tmp_path / "project"
    project.mkdir()
    (project / "suspending.py").write_text(SUSPENDING_FLOWS)
    marker = tmp_path / "task-runs.log"
    records.create_work_pool("pool")
    load_flow_from_source(project, "suspending.py:approve").deploy(
        "d", work_pool_name="pool", print_next_steps=False
    )
    sys.modules.pop("suspending", None)
    run_id = run_deployment("approve/d", parameters={"x": 4, "marker": str(marker)}, timeout=0).id
    log = tmp_path / "worker.log"
    with log.open("w") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "headrace", "worker", "start", "--pool", "pool"],
            env={**os.environ, "HEADRACE_WORKER_POLL_SECONDS": "0.1"},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_until(lambda: runs_in("PAUSED", "approve"), timeout=60, what="the suspension")
        row = get_store().runs.read_flow_run(run_id)
        assert row["state_name"] == "Suspended"
        assert marker.read_text() == "ran\n"
        with pytest.raises(ValueError):
            resume_flow_run(run_id, run_input={"value": "many"})
        resume_flow_run(run_id, run_input={"value": 2})
        wait_until(
            lambda: (
                get_store().runs.read_flow_run(run_id)["state_type"]
                in ("COMPLETED", "FAILED", "CRASHED")
            ),
            timeout=60,
            what="the re-run to end",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    names = state_names(run_id)
    assert names[-1] == "Completed", (names, log.read_text())
    names = state_names(run_id)
    assert names.index("Suspended") < names.index("Resuming") < names.index("Completed")
    assert "Crashed" not in names
    assert marker.read_text() == "ran\n"  # the persisted task result was reused


def test_input_calls_follow_the_callers_sync_or_async_convention() -> None:
    class Person(RunInput):
        name: str

    @flow
    def sync_flow() -> tuple:
        create_flow_run_input("k", {"name": "ann"})
        keyset = keyset_from_base_key("p")
        create_flow_run_input(keyset["response"], {"name": "bob"})
        return read_flow_run_input("k"), Person.load(keyset).name

    @flow
    async def async_flow() -> tuple:
        await create_flow_run_input("k", {"name": "cy"})
        keyset = keyset_from_base_key("p")
        await create_flow_run_input(keyset["response"], {"name": "di"})
        return await read_flow_run_input("k"), (await Person.load(keyset)).name

    async def from_a_coroutine() -> tuple:
        # a sync flow called from async code still makes sync calls, as in Prefect
        return sync_flow(), await async_flow()

    assert asyncio.run(from_a_coroutine()) == (({"name": "ann"}, "bob"), ({"name": "cy"}, "di"))


SERVED_FLOW = """
import pathlib
import sys

from headrace import flow, suspend_flow_run


@flow
def served(marker: str) -> None:
    word = suspend_flow_run(wait_for_input=str, timeout=120)
    pathlib.Path(marker).write_text(word)


if __name__ == "__main__":
    served.serve(name="s", print_starting_message=False)
"""


def test_a_served_flow_suspends_and_is_rerun_by_serve_when_resumed(tmp_path: Path) -> None:
    from headrace.deployments.deploy import run_deployment

    script = tmp_path / "served.py"
    script.write_text(SERVED_FLOW)
    marker = tmp_path / "word"
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, str(script)],
            env={**os.environ, "HEADRACE_SERVE_POLL_SECONDS": "0.1"},
            stdout=log,
            stderr=log,
        )
    try:
        from headrace.deployments import records

        wait_until(lambda: records.list_deployments(), timeout=60, what="the deployment")
        run_id = run_deployment("served/s", parameters={"marker": str(marker)}, timeout=0).id
        wait_until(lambda: runs_in("PAUSED", "served"), timeout=60, what="the suspension")
        resume_flow_run(run_id, run_input={"value": "onwards"})
        wait_until(marker.exists, timeout=60, what="the re-run")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert marker.read_text() == "onwards"
    assert "suspended" in (tmp_path / "serve.log").read_text()
