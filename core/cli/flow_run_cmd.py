"""`headrace flow-run resume`: resume a paused or suspended flow run."""

from __future__ import annotations

import json

import click


@click.group("flow-run")
def flow_run() -> None:
    """Flow runs: resume paused ones."""


@flow_run.command("resume")
@click.argument("flow_run_id")
@click.option(
    "--input",
    "run_input",
    default=None,
    help="The input the run waits for, as a JSON object (e.g. '{\"approved\": true}').",
)
def flow_run_resume(flow_run_id: str, run_input: str | None) -> None:
    """Resume the paused (or suspended) flow run FLOW_RUN_ID (an id or a unique prefix)."""
    from headrace.exceptions import FlowPauseTimeout, NotPausedError, ObjectNotFound
    from headrace.flow_runs import resume_flow_run

    values = None
    if run_input is not None:
        try:
            values = json.loads(run_input)
        except ValueError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="--input") from None
        if not isinstance(values, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--input")
    try:
        resume_flow_run(flow_run_id, run_input=values)
    except (NotPausedError, FlowPauseTimeout, ObjectNotFound, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Resumed flow run {flow_run_id}.")
