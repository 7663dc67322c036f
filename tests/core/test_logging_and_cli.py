import subprocess
import sys

import pytest
from click.testing import CliRunner

import headrace
from headrace import flow, get_run_logger, task
from headrace.cli import build_cli
from headrace.exceptions import MissingContextError
from headrace.logging import disable_run_logger


@task
def logs_something(x):
    get_run_logger().info("working on %s", x)
    return x


def test_run_logger_needs_a_run_unless_disabled():
    with pytest.raises(MissingContextError, match="no active flow or task run"):
        logs_something.fn(1)
    with disable_run_logger():
        assert logs_something.fn(2) == 2


def test_version_command_and_module_entry_point():
    result = CliRunner().invoke(build_cli(), ["version"])
    assert result.exit_code == 0
    assert result.output.startswith(f"headrace {headrace.__version__}")
    completed = subprocess.run(
        [sys.executable, "-m", "headrace", "version"], capture_output=True, text=True, check=True
    )
    assert completed.stdout.startswith("headrace ")


def test_runs_ls_and_show():
    @flow(flow_run_name="nightly")
    def report():
        return [logs_something(i) for i in range(2)]

    report()
    state = report(return_state=True)
    runner = CliRunner()
    listing = runner.invoke(build_cli(), ["runs", "ls"])
    assert listing.exit_code == 0
    assert listing.output.count("nightly") == 2 and "Completed" in listing.output
    run_id = state.state_details.flow_run_id
    shown = runner.invoke(build_cli(), ["runs", "show", run_id[:8], "--logs"])
    assert shown.exit_code == 0, shown.output
    assert "logs_something-0" in shown.output and "logs_something-1" in shown.output
    assert "working on 1" in shown.output


def test_runs_show_unknown_id_is_a_clear_error():
    result = CliRunner().invoke(build_cli(), ["runs", "show", "does-not-exist"])
    assert result.exit_code != 0
    assert "no flow run with id" in result.output
