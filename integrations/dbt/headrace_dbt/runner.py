"""Running one dbt command in-process with dbt's `dbtRunner`, turning its events into
node task runs and log lines, and its outcome into a `DbtCommandResult`.

Failed nodes raise `DbtCommandFailed` unless `raise_on_failure=False`: a flow that ran a
failing dbt model or test fails too. A command dbt cannot run at all (a broken project, a
missing profile) always raises, since there is nothing to return.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shlex
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from headrace.logging import get_logger, get_run_logger
from headrace_dbt import _events
from headrace_dbt._nodes import NodeRuns
from headrace_dbt.profiles import PROFILES_FILE, DbtCliProfile
from headrace_dbt.results import DbtCommandFailed, DbtCommandResult

# dbt keeps process-wide state (flags, adapters, the event manager): one command at a time
_INVOCATION_LOCK = threading.Lock()


def build_args(
    command: str | Sequence[str],
    *,
    project_dir: str | Path | None = None,
    profiles_dir: str | Path | None = None,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    vars: Mapping[str, Any] | None = None,
    extra_command_args: Sequence[str] | None = None,
) -> list[str]:
    """dbt's argument list: `"dbt build"`, `"build"` and `["build"]` mean the same."""
    args = shlex.split(command) if isinstance(command, str) else list(command)
    if args[:1] == ["dbt"]:
        args = args[1:]
    if not args:
        raise ValueError("no dbt command given")
    if project_dir is not None:
        args += ["--project-dir", str(project_dir)]
    if profiles_dir is not None:
        args += ["--profiles-dir", str(profiles_dir)]
    for flag, value in (("--select", select), ("--exclude", exclude)):
        if value:
            args += [flag, *([value] if isinstance(value, str) else value)]
    if vars:
        args += ["--vars", json.dumps(dict(vars))]
    args += list(extra_command_args or ())
    return args


@contextlib.contextmanager
def _profiles_dir(
    profiles_dir: str | Path | None, profile: DbtCliProfile | None, overwrite: bool
) -> Iterator[str | Path | None]:
    """Where dbt finds profiles.yml: the profile block written to a temporary directory
    (or into `profiles_dir` when one is given), else `profiles_dir` as it is."""
    if profile is None:
        yield profiles_dir
    elif profiles_dir is None:
        with profile.temporary_profiles_dir() as directory:
            yield directory
    else:
        if (Path(profiles_dir) / PROFILES_FILE).exists() and not overwrite:
            raise ValueError(
                f"{Path(profiles_dir) / PROFILES_FILE} exists and a dbt_cli_profile was "
                "given: pass overwrite_profiles=True to replace it"
            )
        profile.write_profiles(profiles_dir, overwrite=True)
        yield profiles_dir


def _caller_logger() -> logging.LoggerAdapter | logging.Logger:
    """The logger of the run calling dbt (so its lines are in the run's logs)."""
    try:
        return get_run_logger()
    except Exception:
        return get_logger("dbt")


class _Listener:
    """dbt's event callback: routes each event to its node's task run or the caller."""

    def __init__(self, nodes: NodeRuns, logger: Any, stream_output: bool) -> None:
        self.nodes = nodes
        self.logger = logger
        self.min_level = logging.DEBUG if stream_output else logging.WARNING

    def __call__(self, event: Any) -> None:
        try:
            self._handle(event)
        except Exception as exc:  # never break dbt's run over a log line
            self.logger.warning(f"headrace-dbt could not handle a dbt event: {exc!r}")

    def _handle(self, event: Any) -> None:
        name = _events.event_name(event)
        unique_id = _events.node_id(event)
        if unique_id and name == "NodeStart":
            self.nodes.start(unique_id, event.data.node_info.resource_type)
        level = _events.log_level(event)
        if level >= self.min_level:
            message = _events.log_message(event)
            if message:
                if unique_id and self.nodes.is_running(unique_id):
                    self.nodes.log(unique_id, level, message)
                else:
                    self.logger.log(level, message)
        if unique_id and name == "NodeFinished":
            self.nodes.finish(_events.finished_result(event))
        elif unique_id and name == "SkippingDetails":
            self.nodes.finish(_events.skipped_result(event))


def invoke_dbt(
    command: str | Sequence[str],
    *,
    project_dir: str | Path | None = None,
    profiles_dir: str | Path | None = None,
    dbt_cli_profile: DbtCliProfile | None = None,
    overwrite_profiles: bool = False,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    vars: Mapping[str, Any] | None = None,
    extra_command_args: Sequence[str] | None = None,
    raise_on_failure: bool = True,
    stream_output: bool = True,
    nodes_as_task_runs: bool = True,
) -> DbtCommandResult:
    """Run one dbt command and return its per-node results.

    Inside a flow each node becomes a task run (`nodes_as_task_runs`) with its state and
    logs. `stream_output=False` keeps only warnings and errors in the logs.
    """
    logger = _caller_logger()
    with _profiles_dir(profiles_dir, dbt_cli_profile, overwrite_profiles) as profiles:
        from dbt.cli.main import dbtRunner  # seconds to import: only when a command runs

        args = build_args(
            command,
            project_dir=project_dir,
            profiles_dir=profiles,
            select=select,
            exclude=exclude,
            vars=vars,
            extra_command_args=extra_command_args,
        )
        nodes = NodeRuns(as_task_runs=nodes_as_task_runs)
        # dbt's own console output is off: its lines reach the console through headrace
        runner = dbtRunner(callbacks=[_Listener(nodes, logger, stream_output)])
        with _INVOCATION_LOCK:
            try:
                outcome = runner.invoke(["--log-level", "none", *args])
            finally:
                nodes.close()
    result = DbtCommandResult(
        args=args, success=bool(outcome.success), nodes=nodes.finished, dbt_result=outcome
    )
    _check(result, outcome.exception, raise_on_failure)
    return result


def _check(result: DbtCommandResult, exception: BaseException | None, raise_on: bool) -> None:
    command = result.args[0]
    if exception is not None:
        raise DbtCommandFailed(f"dbt {command} could not run: {exception}", result) from exception
    if result.success or not raise_on:
        return
    failed = result.failed_nodes
    if not failed:
        raise DbtCommandFailed(f"dbt {command} failed (see the run's logs)", result)
    listed = "; ".join(
        f"{node.unique_id} ({node.status}: {(node.message or '').splitlines()[0]})"
        if node.message
        else f"{node.unique_id} ({node.status})"
        for node in failed
    )
    raise DbtCommandFailed(f"dbt {command}: {len(failed)} node(s) failed: {listed}", result)
