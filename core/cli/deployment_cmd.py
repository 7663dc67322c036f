"""`headrace deployment`: list deployments and ask for runs."""

from __future__ import annotations

import json
from typing import Any

import click

from headrace.cli._output import clear_errors, emit, json_option, table
from headrace.deployments import records, run_deployment
from headrace.secret_parameters import masked_parameters


@click.group("deployment")
def deployment() -> None:
    """Deployments: list them and ask for runs."""


def _shown(record: Any) -> dict[str, Any]:
    """A deployment as JSON for a person: encrypted secret parameters shown masked."""
    data = record.to_dict()
    data["parameters"] = masked_parameters(data["parameters"])
    return data


@deployment.command("ls")
@json_option
def deployment_ls(as_json: bool) -> None:
    """List deployments."""
    found = records.list_deployments()
    emit(
        [_shown(d) for d in found],
        as_json,
        lambda: table(
            ["name", "pool", "entrypoint", "schedules"],
            [
                [d.full_name, d.work_pool_name or "(served)", d.entrypoint, len(d.schedules)]
                for d in found
            ],
        ),
    )


@deployment.command("inspect")
@click.argument("name")
def deployment_inspect(name: str) -> None:
    """Show a deployment (FLOW_NAME/DEPLOYMENT_NAME) and its recent runs as JSON."""
    with clear_errors():
        record = records.get_deployment(name)
    data = _shown(record)
    data["runs"] = [
        {**run, "parameters": masked_parameters(run["parameters"])}
        for run in records.deployment_runs(record.id)[-20:]
    ]
    click.echo(json.dumps(data, indent=2, default=str))


@deployment.command("delete")
@click.argument("name")
def deployment_delete(name: str) -> None:
    """Delete a deployment and its unstarted runs (finished runs stay in the history)."""
    with clear_errors():
        records.delete_deployment(name)
    click.echo(f"Deleted deployment {name!r}.")


def _parse_param(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"expected KEY=VALUE, got {text!r}", param_hint="--param")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


@deployment.command("run")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, help="KEY=VALUE (VALUE read as JSON).")
@click.option("--params", "params_json", default=None, help="All parameters as a JSON object.")
@click.option("--watch", is_flag=True, help="Wait for the end; exit 1 unless Completed.")
@click.option("--timeout", type=float, default=None, help="With --watch: seconds to wait.")
def deployment_run(
    name: str, params: tuple[str, ...], params_json: str | None, watch: bool, timeout: float | None
) -> None:
    """Ask for a run of deployment NAME (FLOW_NAME/DEPLOYMENT_NAME)."""
    parameters: dict[str, Any] = {}
    if params_json:
        try:
            parameters.update(json.loads(params_json))
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="--params") from None
    parameters.update(_parse_param(text) for text in params)
    with clear_errors():
        run = run_deployment(name, parameters=parameters, timeout=(timeout if watch else 0))
    click.echo(f"Created flow run {run.name!r} ({run.id}) in state {run.state_name}.")
    if watch:
        click.echo(f"Flow run {run.name!r} is {run.state_name}: {run.state_message or ''}".strip())
        if run.state_type != "COMPLETED":
            raise SystemExit(1)
