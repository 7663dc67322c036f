"""The sample project built once per test session (per xdist worker): seed, run, test
and snapshot in one flow, with the profile from a DbtCliProfile block. Tests that change
the project work on their own copy of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from headrace import flow
from headrace.store.runs import list_logs, list_task_runs
from headrace.testing.utilities import headrace_test_harness
from headrace_dbt import (
    DbtCommandResult,
    run_dbt_model,
    run_dbt_seed,
    run_dbt_snapshot,
    run_dbt_test,
)
from headrace_dbt.testing import DbtProject


@dataclass
class BuiltSample:
    project: DbtProject
    state: Any
    results: dict[str, DbtCommandResult]
    task_runs: list[dict[str, Any]]
    logs: list[dict[str, Any]]

    def task_run(self, name: str) -> dict[str, Any]:
        (run,) = [run for run in self.task_runs if run["name"] == name]
        return run


@pytest.fixture(scope="session")
def dbt_built_sample(dbt_project_session: DbtProject) -> BuiltSample:
    project = dbt_project_session

    @flow
    def build_sample() -> dict[str, DbtCommandResult]:
        options = {"project_dir": project.project_dir, "dbt_cli_profile": project.profile}
        return {
            "seed": run_dbt_seed(**options),
            "run": run_dbt_model(**options),
            "test": run_dbt_test(**options),
            "snapshot": run_dbt_snapshot(**options),
        }

    with headrace_test_harness():
        state = build_sample(return_state=True)
        flow_run_id = state.state_details.flow_run_id
        task_runs = list_task_runs(flow_run_id)
        logs = list_logs(flow_run_id)
    return BuiltSample(project, state, state.result(), task_runs, logs)
