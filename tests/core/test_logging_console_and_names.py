"""The rich console handler, Prefect's logger names in code and logging files, run
contexts built with `model_construct`, and the API key masked before any handler."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from headrace import flow
from headrace.context import FlowRunContext, TaskRunContext
from headrace.logging import get_logger, get_run_logger
from headrace.logging.configuration import setup_logging
from headrace.logging.handlers import PrefectConsoleHandler
from headrace.logging.highlighters import PrefectConsoleHighlighter
from headrace.settings import PREFECT_API_KEY, temporary_settings
from headrace.testing.cli import temporary_console_width


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _logger_with(handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"console-test-{id(handler)}")
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    return logger


def test_console_colours_a_terminal_and_never_wraps_lines():
    stream = _Terminal()
    handler = PrefectConsoleHandler(stream=stream, styles={"log.failed_state": "red"})
    assert isinstance(handler.console.highlighter, PrefectConsoleHighlighter)
    handler.console._force_terminal = True
    with temporary_console_width(handler.console, 20):
        _logger_with(handler).info("run ended Failed " + "x" * 200)
    out = stream.getvalue()
    assert "\x1b[31mFailed" in out  # the theme's style
    assert "x" * 200 in out  # one line, not wrapped at 20 columns
    assert handler.console.width != 20


def test_console_piped_is_plain_text_and_markup_is_opt_in(tmp_path: Path):
    piped = io.StringIO()
    _logger_with(PrefectConsoleHandler(stream=piped)).info("DROP [dbo].[t]; [red]x[/red]")
    assert piped.getvalue().endswith("DROP [dbo].[t]; [red]x[/red]\n")
    with temporary_settings({"PREFECT_LOGGING_MARKUP": True}):
        marked = io.StringIO()
        _logger_with(PrefectConsoleHandler(stream=marked)).info("this is [red]red[/red]!")
    assert "this is red!" in marked.getvalue()
    with temporary_settings({"PREFECT_LOGGING_COLORS": False}):
        plain = PrefectConsoleHandler(stream=_Terminal())
        assert type(plain.console.highlighter).__name__ == "NullHighlighter"


def test_prefect_logger_names_are_headrace_loggers():
    get_logger()  # logging set up
    assert logging.getLogger("prefect") is logging.getLogger("headrace")
    assert logging.getLogger("prefect.flow_runs") is logging.getLogger("headrace.flow_runs")
    mine = get_logger("prefect.mine")
    assert mine.name == "prefect.mine" and mine.parent is logging.getLogger("headrace")
    assert get_logger("thing").name == "headrace.thing"


def test_a_logging_file_written_for_prefect_configures_headrace(tmp_path: Path):
    fragment = tmp_path / "logging.yml"  # no `version`, Prefect's names
    fragment.write_text(
        "loggers:\n  prefect.flow_runs:\n    level: ${PREFECT_LOGGING_SERVER_LEVEL}\n"
    )
    flow_runs = logging.getLogger("headrace.flow_runs")
    before = flow_runs.level
    try:
        with temporary_settings(
            {"PREFECT_LOGGING_SETTINGS_PATH": fragment, "PREFECT_SERVER_LOGGING_LEVEL": "ERROR"}
        ):
            config = setup_logging(incremental=True)
        assert config["loggers"]["prefect.flow_runs"]["level"] == "ERROR"
        assert flow_runs.level == logging.ERROR and not flow_runs.disabled
    finally:
        flow_runs.setLevel(before)
        setup_logging(incremental=False)


def test_model_construct_builds_a_context_without_a_run(capsys: pytest.CaptureFixture[str]):
    with FlowRunContext.model_construct(flow_run=None, flow=None) as ctx:
        assert FlowRunContext.get() is ctx
        logger = get_run_logger()
        assert logger.extra["flow_run_id"] == "<unknown>"
        assert logger.extra["flow_name"] == "<unknown>"
    assert FlowRunContext.get() is None
    with TaskRunContext.model_construct(log_prints=False, client="ignored") as task_ctx:
        assert TaskRunContext.get() is task_ctx and task_ctx.parameters == {}
        assert get_run_logger().extra["task_run_id"] == "<unknown>"
    with pytest.raises(TypeError, match="unexpected type 'str' for context"):
        get_run_logger("not a context")


def test_api_key_is_masked_before_any_handler_sees_it(caplog: pytest.LogCaptureFixture):
    key = "abc-super-secret-key-123"

    @flow
    def leaky():
        get_run_logger().warning("key is %s", key)

    with temporary_settings({PREFECT_API_KEY: key}), caplog.at_level(logging.INFO):
        get_logger("leak").warning(f"mine: {key}")
        leaky()
    assert key not in caplog.text
    assert caplog.text.count("********") >= 2


def test_extra_loggers_get_the_run_log_handlers():
    from headrace.store.runs import list_logs

    @flow
    def uses_a_library() -> str:
        logging.getLogger("somelib").warning("from the library")
        return str(FlowRunContext.get().flow_run.id)

    library = logging.getLogger("somelib")
    try:
        with temporary_settings({"HEADRACE_LOGGING_EXTRA_LOGGERS": "somelib"}):
            setup_logging(incremental=False)
            run_id = uses_a_library()
        messages = [row["message"] for row in list_logs(run_id)]
        assert "from the library" in messages
    finally:
        library.handlers = []
        setup_logging(incremental=False)


def test_worker_logger_is_named_after_type_and_worker_and_carries_its_id():
    from headrace.logging import get_worker_logger

    class PoolWorker:
        type = "process"

        def __init__(self, backend_id: str | None) -> None:
            self.name, self.backend_id = "Night-Shift", backend_id

    assert get_worker_logger(PoolWorker(None)).name == "headrace.workers.process.night-shift"
    with_id = get_worker_logger(PoolWorker("w-1"))
    assert with_id.logger.name == "headrace.workers.process.night-shift"
    assert with_id.extra == {"worker_id": "w-1"}
    assert get_worker_logger(PoolWorker(None), name="mine").name == "headrace.mine"


PREFECT_STYLE_FILE = """
version: 1
disable_existing_loggers: False
formatters:
  mine:
    (): prefect.logging.formatters.PrefectFormatter
    format: "MINE %(name)s %(message)s"
    flow_run_fmt: "MINE flow %(flow_run_name)s %(message)s"
handlers:
  out:
    class: prefect.logging.handlers.PrefectConsoleHandler
    formatter: mine
    stream: ext://sys.stdout
  api:
    class: prefect.logging.handlers.APILogHandler
loggers:
  prefect:
    level: INFO
    handlers: [out]
    propagate: false
  prefect.flow_runs:
    level: NOTSET
    handlers: [api]
"""


def test_a_file_naming_prefects_classes_and_loggers_runs_headrace(tmp_path: Path):
    import os
    import subprocess
    import sys

    settings = tmp_path / "logging.yml"
    settings.write_text(PREFECT_STYLE_FILE)
    script = tmp_path / "run.py"
    script.write_text(
        "from headrace import flow, get_run_logger\n"
        "from headrace.store.runs import list_flow_runs, list_logs\n"
        "@flow(flow_run_name='styled')\n"
        "def styled():\n"
        "    get_run_logger().info('hello')\n"
        "styled()\n"
        "run = list_flow_runs()[0]\n"
        "print('STORED', [row['message'] for row in list_logs(run['id'])])\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        env={
            **os.environ,
            "HEADRACE_HOME": str(tmp_path / "home"),
            "PREFECT_LOGGING_SETTINGS_PATH": str(settings),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "MINE flow styled hello" in done.stdout
    assert "'hello'" in done.stdout.split("STORED", 1)[1]
