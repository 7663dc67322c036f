"""Logging: run logs reach the standard logging tree (caplog, an application's handlers),
and one configuration file (plus environment overrides) shapes every headrace line."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from headrace import flow, get_run_logger, task
from headrace.logging import LogEavesdropper, disable_run_logger, get_logger

LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} \| (INFO   |WARNING) \| ")

SCRIPT = """
import logging, sys
from headrace import flow, task, get_run_logger
if "app" in sys.argv:
    logging.basicConfig(level=logging.INFO, format="APP %(name)s: %(message)s")

@task
def step():
    get_run_logger().info("step info")

@flow(flow_run_name="logged")
def logged():
    get_run_logger().warning("flow warning")
    step()

logged()
"""


def _run_script(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> str:
    script = tmp_path / "logged.py"
    script.write_text(SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), *args],
        env={**os.environ, "HEADRACE_HOME": str(tmp_path / "home"), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


@task
def noisy() -> None:
    get_run_logger().info("from the task")


@flow
def noisy_flow() -> None:
    get_run_logger().warning("from the flow")
    noisy()


def test_caplog_and_eavesdroppers_see_run_logs(caplog):
    with caplog.at_level(logging.INFO), LogEavesdropper("headrace", logging.INFO) as heard:
        noisy_flow()
    by_logger = {(r.name, r.getMessage()) for r in caplog.records}
    assert ("headrace.flow_runs", "from the flow") in by_logger
    assert ("headrace.task_runs", "from the task") in by_logger
    task_record = next(r for r in caplog.records if r.getMessage() == "from the task")
    assert task_record.task_run_name == "noisy-0" and task_record.flow_run_id
    assert "[WARNING]: from the flow" in heard.text()
    # code written for Prefect: `prefect` is headrace's logger, `prefect.x` a child of it
    assert logging.getLogger("prefect") is logging.getLogger("headrace")
    assert get_logger("prefect.engine").parent is logging.getLogger("headrace")
    caplog.clear()
    with disable_run_logger():
        noisy.fn()
    assert caplog.records == []


def test_one_layout_and_the_application_root_handlers(tmp_path):
    own = _run_script(tmp_path).splitlines()
    assert any(LINE.match(x) and x.endswith("| Flow run 'logged' - flow warning") for x in own)
    assert any(LINE.match(x) and x.endswith("| Task run 'step-0' - step info") for x in own)
    # the application configured logging first: its handler gets the records, once each,
    # and headrace adds no console handler of its own to the root logger
    app = _run_script(tmp_path, "app").splitlines()
    assert "APP headrace.flow_runs: flow warning" in app
    assert "APP headrace.task_runs: step info" in app
    assert not any(LINE.match(line) for line in app)


def test_logging_file_and_environment_overrides(tmp_path):
    from headrace.logging.configuration import DEFAULT_LOGGING_SETTINGS_PATH

    custom = tmp_path / "logging.yml"
    custom.write_text(
        DEFAULT_LOGGING_SETTINGS_PATH.read_text().replace("formatter: standard", "formatter: json")
    )
    lines = _run_script(tmp_path, env={"HEADRACE_LOGGING_SETTINGS_PATH": str(custom)})
    records = [json.loads(line) for line in lines.splitlines() if line.startswith("{")]
    step = next(r for r in records if r["message"] == "step info")
    assert step["task_run_name"] == "step-0" and step["levelname"] == "INFO"

    quiet = _run_script(tmp_path, env={"HEADRACE_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING"})
    assert "flow warning" in quiet and "step info" not in quiet

    broken = tmp_path / "broken.yml"
    broken.write_text("handlers: {console: {class: no.such.Handler}}\n")
    script = tmp_path / "logged.py"
    done = subprocess.run(
        [sys.executable, str(script)],
        env={
            **os.environ,
            "HEADRACE_HOME": str(tmp_path / "home"),
            "HEADRACE_LOGGING_SETTINGS_PATH": str(broken),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and f"logging settings file {broken}" in done.stderr


def test_worker_lines_share_the_run_layout(tmp_path):
    env = {**os.environ, "HEADRACE_HOME": str(tmp_path / "home")}
    python = [sys.executable, "-m", "headrace"]
    subprocess.run(
        [*python, "work-pool", "create", "pool"], env=env, check=True, capture_output=True
    )
    done = subprocess.run(
        [*python, "worker", "start", "--pool", "pool", "--run-once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "headrace.worker - " in line]
    assert lines and all(LINE.match(line) for line in lines), done.stderr
    assert any("Waiting for runs of work pool 'pool': 0 deployment(s)" in x for x in lines)


def test_the_api_key_never_reaches_a_stored_or_printed_line(monkeypatch, capfd):
    from headrace.store.runs import list_logs

    key = "hr-key-0123456789abcdef"
    monkeypatch.setenv("HEADRACE_API_KEY", key)

    @flow
    def leaky() -> None:
        get_run_logger().info("calling with key %s", key)
        get_run_logger().info("as a mapping: %(token)s", {"token": key})

    state = leaky(return_state=True)
    stored = [row["message"] for row in list_logs(state.state_details.flow_run_id)]
    assert "calling with key ********" in stored and "as a mapping: ********" in stored
    assert not any(key in message for message in stored)
    assert key not in capfd.readouterr().err
