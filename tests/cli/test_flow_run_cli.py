"""`headrace flow-run`: listing with filters at 80 and 200 columns, inspect, logs, delete."""

from __future__ import annotations

import datetime as dt
import logging

from cli_support import table_rows

from headrace import flow, get_run_logger, tags, task
from headrace.deployments import records

LONG_FLOW = "parallel-pipeline-with-a-name-longer-than-a-narrow-terminal"


@task
def load(i: int) -> int:
    get_run_logger().info("loading %s", i)
    if i < 0:
        raise ValueError("negative")
    return i


@flow(name=LONG_FLOW, flow_run_name="nightly-report-run-{n}-with-a-very-long-run-name")
def pipeline(n: int) -> list[int]:
    get_run_logger().warning("starting %s", n)
    return [load(i) for i in range(n)]


@flow(name="short", flow_run_name="short-{x}")
def short(x: int) -> int:
    return load(x)


def _runs() -> dict[str, str]:
    ids = {}
    ids["first"] = pipeline(1, return_state=True).state_details.flow_run_id
    with tags("nightly"):
        ids["tagged"] = pipeline(2, return_state=True).state_details.flow_run_id
    ids["failed"] = short(-1, return_state=True).state_details.flow_run_id
    return ids


def test_ls_filters_newest_first_and_names_whole_at_80_and_200_columns(cli, home, tmp_path):
    ids = _runs()
    # a deployment's run scheduled for tomorrow is not listed above the finished ones
    pool = records.create_work_pool("pool")
    record = records.save_deployment(
        records.DeploymentRecord(
            id="",
            name="later",
            flow_name="short",
            path=str(tmp_path),
            entrypoint="x.py:short",
            work_pool_name=pool["name"],
        )
    )
    tomorrow = records.create_flow_run(record, {"x": 1}, dt.datetime.now().timestamp() + 86400)

    narrow = cli("flow-run", "ls", columns=80)
    assert narrow.code == 0, narrow.err
    assert "…" not in narrow.out and max(map(len, narrow.out.splitlines())) <= 80
    names = table_rows(narrow.out, "Name")
    assert names == [
        "short--1",
        "nightly-report-run-2-with-a-very-long-run-name",
        "nightly-report-run-1-with-a-very-long-run-name",
    ]
    assert table_rows(narrow.out, "Flow")[1] == LONG_FLOW
    assert "1 scheduled run(s) not started yet" in narrow.out
    wide = cli("flow-runs", "ls", columns=200)  # Prefect's plural alias
    assert table_rows(wide.out, "ID") == [ids["failed"], ids["tagged"], ids["first"]]
    assert f"│ {LONG_FLOW} " in wide.out  # one line per row at 200 columns

    def listed(*args: str) -> list[str]:
        return [run["id"] for run in cli("flow-run", "ls", *args, "-o", "json").json()]

    assert listed("--state", "failed") == [ids["failed"]]
    assert listed("--state-type", "COMPLETED", "--flow-name", LONG_FLOW) == [
        ids["tagged"],
        ids["first"],
    ]
    assert listed("--tag", "nightly") == [ids["tagged"]]
    assert listed("--limit", "1") == [ids["failed"]]
    assert listed("--since", "1h") == [ids["failed"], ids["tagged"], ids["first"]]
    assert listed("--until", "2001-01-01") == []
    assert listed("--state", "scheduled", "--deployment", "short/later") == [tomorrow]
    assert cli("runs", "ls", columns=200).out == wide.out  # `runs ls` is the same command

    bad = cli("flow-run", "ls", "--state-type", "SOMETIMES")
    assert bad.code == 2 and "choose from" in bad.err
    assert cli("flow-run", "ls", "--since", "yesterday-ish").code == 2
    missing = cli("flow-run", "ls", "--deployment", "short/nope")
    assert missing.code == 1 and "not found" in missing.err


def test_inspect_logs_and_delete(cli, home):
    ids = _runs()
    run_id = ids["tagged"]
    shown = cli("flow-run", "inspect", run_id[:8], "-o", "json").json()
    assert shown["id"] == run_id and shown["tags"] == ["nightly"]
    assert shown["state"] == {"type": "COMPLETED", "name": "Completed", "message": None}
    assert shown["parameters"] == {"n": 2}
    for key in ("created", "start_time", "end_time", "expected_start_time"):
        assert dt.datetime.fromisoformat(shown[key]).tzinfo is not None
    assert [s["name"] for s in shown["states"]] == ["Pending", "Running", "Completed"]
    assert [t["name"] for t in shown["task_runs"]] == ["load-0", "load-1"]
    human = cli("flow-run", "inspect", run_id, columns=80)
    assert "nightly-report-run-2-with-a-very-long-run-name" in human.out and "load-1" in human.out

    lines = cli("flow-run", "logs", run_id).out.splitlines()
    assert any(" | WARNING | Flow run 'nightly-report-run-2" in line for line in lines)
    assert any(line.endswith("| INFO    | Task run 'load-1' - loading 1") for line in lines)
    dt.datetime.strptime(lines[0][:23], "%Y-%m-%d %H:%M:%S.%f")
    warnings = cli("flow-run", "logs", run_id, "--level", "warning").out.splitlines()
    assert len(warnings) == 1 and "starting 2" in warnings[0]
    assert cli("flow-run", "logs", run_id, "--tail", "-n", "1").out.count("\n") == 1
    records_ = cli("flow-run", "logs", run_id, "-o", "json").json()
    by_message = {r["message"]: r for r in records_}
    assert by_message["loading 0"]["task_run_name"] == "load-0"
    assert by_message["starting 2"]["level"] == logging.WARNING
    assert cli("flow-run", "logs", run_id, "--head", "--tail").code == 2

    task_id = shown["task_runs"][0]["id"]
    task_shown = cli("task-run", "inspect", task_id, "-o", "json").json()
    assert task_shown["flow_run_id"] == run_id and task_shown["state"]["type"] == "COMPLETED"
    task_list = cli("task-runs", "ls", "--flow-run", run_id, "-o", "json").json()
    assert [t["name"] for t in task_list] == ["load-1", "load-0"]
    every = [t["id"] for t in cli("task-run", "ls", "-o", "json").json()]
    assert table_rows(cli("task-run", "ls", columns=80).out, "ID") == every  # ids whole
    assert cli("task-run", "logs", task_id).out.strip().endswith("Task run 'load-0' - loading 0")

    busy = cli("flow-run", "delete", run_id)
    assert busy.code == 0, busy.err
    gone = cli("flow-run", "inspect", run_id)
    assert gone.code == 1 and "not found" in gone.err
    assert cli("task-run", "inspect", task_id).code == 1
    assert cli("flow-run", "logs", run_id).code == 1
    assert cli("flow-run", "inspect").code == 2  # a missing argument is a usage error


def test_flow_ls_and_retry_a_run_without_deployment(cli, home, tmp_path):
    script = tmp_path / "flaky.py"
    marker = tmp_path / "ok"
    script.write_text(
        "from pathlib import Path\n"
        "from headrace import flow\n\n"
        "@flow(name='flaky')\n"
        "def flaky(path: str) -> str:\n"
        "    if not Path(path).exists():\n"
        "        raise RuntimeError('not yet')\n"
        "    return 'done'\n"
    )
    from headrace.deployments.loading import load_flow

    flaky = load_flow(tmp_path, "flaky.py:flaky")
    run_id = flaky(str(marker), return_state=True).state_details.flow_run_id
    listed = cli("flow", "ls", "-o", "json").json()
    assert [(f["name"], f["runs"]) for f in listed] == [("flaky", 1)]

    needs = cli("flow-run", "retry", run_id)
    assert needs.code == 1 and "--entrypoint" in needs.err
    marker.write_text("")
    again = cli("flow-run", "retry", run_id, "--entrypoint", f"{script}:flaky")
    assert again.code == 0, again.err
    shown = cli("flow-run", "inspect", run_id, "-o", "json").json()
    assert shown["state"]["type"] == "COMPLETED" and shown["run_count"] >= 1
    assert "Failed" in [s["name"] for s in shown["states"]]
    refused = cli("flow-run", "retry", run_id, "--entrypoint", f"{script}:flaky")
    assert refused.code == 0  # a Completed run may be retried too, as in Prefect
