"""serve: runs on schedule in this process, recorded in the store, driven by a fake clock."""

from __future__ import annotations

import signal
import subprocess
import threading
from pathlib import Path

import pytest
from ops_support import PYTHON, subprocess_env, wait_until

from headrace import flow
from headrace.deployments import Runner, records, run_deployment
from headrace.exceptions import InvalidNameError
from headrace.schedules import Cron, Interval
from headrace.store import get_store

calls: list[str] = []


@flow
def tick_flow(label: str = "x") -> str:
    calls.append(label)
    return label


seen: list[dict] = []


@flow
def introspect() -> None:
    from headrace import runtime

    seen.append(
        {
            "deployment": runtime.deployment.name,
            "parameters": runtime.deployment.parameters,
            "scheduled": runtime.flow_run.scheduled_start_time.timestamp(),
            "tags": runtime.flow_run.tags,
        }
    )


def runs_of(deployment_id: str) -> list[dict]:
    get_store().flush()
    return records.deployment_runs(deployment_id)


@pytest.fixture(autouse=True)
def _clear_calls():
    calls.clear()


def test_runs_happen_on_schedule_and_are_recorded(fake_clock) -> None:
    runner = Runner()
    start = fake_clock.now
    deployment_id = runner.add_deployment(
        tick_flow.to_deployment("every-minute", interval=60, parameters={"label": "a"})
    )
    assert len(runner.tick()) == 1  # the anchor (now) is the first occurrence
    assert runner.join(10)
    fake_clock.advance(30)
    assert runner.tick() == []
    fake_clock.advance(30)
    assert len(runner.tick()) == 1
    assert runner.join(10)
    done = [run for run in runs_of(deployment_id) if run["state_type"] == "COMPLETED"]
    assert [run["scheduled_time"] for run in done] == [start, start + 60]
    assert calls == ["a", "a"]
    row = records.run_row(done[0]["id"])
    assert row["deployment_id"] == deployment_id and row["parameters"] == {"label": "a"}
    assert row["flow_name"] == "tick-flow" and row["end_time"] is not None


def test_a_served_run_sees_its_deployment(fake_clock) -> None:
    runner = Runner()
    runner.add_deployment(
        introspect.to_deployment("inspect", interval=60, tags=["nightly"], parameters={})
    )
    (run_id,) = runner.tick()
    runner.join(10)
    from headrace.store.runs import get_flow_run

    assert get_flow_run(run_id)["tags"] == ["nightly"]
    assert seen == [
        {
            "deployment": "inspect",
            "parameters": {},
            "scheduled": fake_clock.now,
            "tags": ["nightly"],
        }
    ]


@flow
async def async_flow(x: int = 2) -> int:
    calls.append(f"async {x}")
    return x * 2


def test_async_flows_are_served(fake_clock) -> None:
    runner = Runner()
    deployment_id = runner.add_deployment(async_flow.to_deployment("aio", interval=60))
    runner.tick()
    assert runner.join(10)
    assert [run["state_type"] for run in runs_of(deployment_id)][0] == "COMPLETED"
    assert calls == ["async 2"]


def test_paused_deployments_get_no_scheduled_runs(fake_clock) -> None:
    runner = Runner()
    deployment_id = runner.add_deployment(
        tick_flow.to_deployment("paused", interval=60, paused=True)
    )
    assert runner.tick() == []
    assert runs_of(deployment_id) == []


def test_no_storm_of_missed_runs_after_downtime(fake_clock) -> None:
    runner = Runner()
    deployment_id = runner.add_deployment(tick_flow.to_deployment("minutely", interval=60))
    runner.tick()
    runner.join(10)
    fake_clock.advance(3600)  # an hour without ticks
    started = runner.tick()
    runner.join(10)
    assert len(started) == 1
    runs = runs_of(deployment_id)
    assert [run["scheduled_time"] for run in runs if run["id"] in started] == [fake_clock.now]
    skipped = [run for run in runs if run["state_type"] == "CANCELLED"]
    assert len(skipped) == 2  # the two runs created ahead before the downtime
    assert all("missed-run policy" in run["state_message"] for run in skipped)
    assert len(calls) == 2


def test_several_flows_and_a_limit(fake_clock) -> None:
    gate = threading.Event()

    @flow
    def blocked() -> None:
        gate.wait(10)

    runner = Runner(limit=1)
    first = runner.add_deployment(blocked.to_deployment("one", interval=300))
    second = runner.add_deployment(tick_flow.to_deployment("two", cron="*/5 * * * *"))
    fake_clock.now = fake_clock.now - fake_clock.now % 300  # on a 5-minute boundary
    assert len(runner.tick()) == 1
    assert runner.tick() == []  # the limit is taken
    gate.set()
    assert runner.join(10)
    assert len(runner.tick()) == 1
    assert runner.join(10)
    states = {d: [r["state_type"] for r in runs_of(d)] for d in (first, second)}
    assert states[first].count("COMPLETED") == 1 and states[second].count("COMPLETED") == 1


def test_next_wake_is_the_next_scheduled_run(fake_clock, monkeypatch) -> None:
    monkeypatch.setenv("HEADRACE_SERVE_POLL_SECONDS", "1000")
    runner = Runner()
    runner.add_deployment(tick_flow.to_deployment("wake", schedules=[Interval(90)]))
    runner.tick()
    runner.join(10)
    assert runner.next_wake() == 90


def test_shutdown_cancels_flows_that_outlive_the_grace_period(fake_clock, monkeypatch) -> None:
    monkeypatch.setenv("HEADRACE_SERVE_SHUTDOWN_GRACE_SECONDS", "0.1")
    gate = threading.Event()

    @flow
    def slow() -> None:
        gate.wait(10)

    runner = Runner()
    deployment_id = runner.add_deployment(slow.to_deployment("slow", interval=60))
    (run_id,) = runner.tick()
    wait_until(lambda: records.run_row(run_id)["state_type"] == "RUNNING", what="running")
    runner.shutdown()
    row = records.run_row(run_id)
    assert (row["state_type"], row["state_message"]) == (
        "CANCELLED",
        "The serve process shut down during the run.",
    )
    assert [r["state_type"] for r in runs_of(deployment_id)] == ["CANCELLED"]  # rest dropped
    gate.set()
    runner.join(10)


def test_schedules_argument_rules() -> None:
    with pytest.raises(ValueError, match="Only one of"):
        tick_flow.to_deployment("x", interval=60, cron="* * * * *")
    deployment = tick_flow.to_deployment("x", cron=["0 1 * * *", "0 2 * * *"])
    assert [s.schedule.cron for s in deployment.schedules] == ["0 1 * * *", "0 2 * * *"]
    given = Cron("0 3 * * *", slug="nightly")
    entry = tick_flow.to_deployment("y", schedule=given).schedules[0]
    assert (entry.schedule, entry.slug) == (given, "nightly")
    # unknown default parameters: a clear error when the deployment is saved
    with pytest.raises(ValueError, match="has no parameter"):
        Runner().add_deployment(tick_flow.to_deployment("z", parameters={"nope": 1}))
    with pytest.raises(InvalidNameError, match="contains an invalid character"):
        tick_flow.to_deployment("a/b")


SERVE_SCRIPT = """
import pathlib, time
from headrace import flow, serve

# the folder of this file: also right when another process imports it to validate a run
marker = pathlib.Path(__file__).resolve().parent

@flow
def waits() -> str:
    (marker / "started").write_text("yes")
    deadline = time.monotonic() + 20
    while not (marker / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return "done"

if __name__ == "__main__":
    serve(waits.to_deployment("served", cron="0 0 1 1 *"), print_starting_message=False)
    (marker / "exited-cleanly").write_text("yes")
"""


def test_sigterm_lets_the_running_flow_finish(tmp_path: Path, headrace_home: Path) -> None:
    script = tmp_path / "serve_me.py"
    script.write_text(SERVE_SCRIPT)
    env = {**subprocess_env(headrace_home), "HEADRACE_SERVE_POLL_SECONDS": "0.05"}
    proc = subprocess.Popen([PYTHON, str(script), str(tmp_path)], env=env)
    try:
        # a run requested from outside (like `headrace deployment run`) is picked up
        wait_until(records.list_deployments, timeout=30, what="the deployment")
        run_deployment("waits/served", timeout=0)
        wait_until(lambda: (tmp_path / "started").exists(), timeout=30, what="the run")
        proc.send_signal(signal.SIGTERM)
        (tmp_path / "release").write_text("go")
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
    assert (tmp_path / "exited-cleanly").exists()
    (deployment,) = records.list_deployments()
    assert [r["state_type"] for r in records.deployment_runs(deployment.id)] == ["COMPLETED"]


async def test_aserve_runs_requested_runs_and_stops_on_cancel(monkeypatch) -> None:
    import asyncio

    from headrace import aserve

    monkeypatch.setenv("HEADRACE_SERVE_POLL_SECONDS", "0.05")
    deployment = tick_flow.to_deployment("async-served", cron="0 0 1 1 *")
    task = asyncio.ensure_future(aserve(deployment, print_starting_message=False))
    await asyncio.to_thread(wait_until, records.list_deployments)
    run = await asyncio.to_thread(run_deployment, "tick-flow/async-served", timeout=30)
    assert run.state_type == "COMPLETED"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert records.list_deployments()[0].name == "async-served"
