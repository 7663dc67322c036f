"""Migrate rules DBT101 (1.x DbtShellTask) and DBT201 (prefect_dbt names), run through
`headrace migrate` with the rules the headrace-dbt plugin registers."""

from __future__ import annotations

import runpy
import textwrap

import pytest
from click.testing import CliRunner

from headrace.cli import build_cli

LEGACY_1X = """\
from prefect import Flow
from prefect.tasks.dbt import DbtShellTask

dbt = DbtShellTask(
    profile_name="analytics",
    environment="dev",
    dbt_kwargs={"type": "duckdb", "schema": "main", "path": "warehouse.duckdb", "threads": 2},
    overwrite_profiles=True,
    profiles_dir="/tmp/profiles",
    helper_script="cd dbt_project",
)

with Flow("dbt-flow") as flow:
    dbt(command="dbt run")
"""

MIGRATED_1X_CALL = """\
dbt = partial(
    trigger_dbt_cli_command,
    overwrite_profiles=True,
    profiles_dir="/tmp/profiles",
    dbt_cli_profile=DbtCliProfile(
        name="analytics",
        target="dev",
        target_configs=TargetConfigs(
            type="duckdb",
            schema="main",
            threads=2,
            extras={"path": "warehouse.duckdb"},
        ),
    ),
    project_dir="dbt_project",
)
"""

LEGACY_2X = """\
from prefect import flow
from prefect_dbt.cli.commands import trigger_dbt_cli_command, DbtCoreOperation
from prefect_dbt.cli.credentials import DbtCliProfile
from prefect_dbt.cli.configs import SnowflakeTargetConfigs
from prefect_dbt.cloud import DbtCloudCredentials


@flow
def transform():
    profile = DbtCliProfile.load("prod")
    DbtCoreOperation(commands=["dbt run"]).run()
    SnowflakeTargetConfigs.load("x")
    DbtCloudCredentials.load("y")
    return trigger_dbt_cli_command("dbt run", dbt_cli_profile=profile)
"""


#: `headrace migrate` exits 1 when it rewrote files (as formatters do), 0 when nothing changed
REWRITTEN = 1


@pytest.fixture
def headrace_cli():
    runner = CliRunner()
    group = build_cli()
    return lambda *args: runner.invoke(group, list(args), catch_exceptions=False)


def _todos(text: str, code: str) -> list[str]:
    prefix = f"# TODO(headrace-migrate {code}): "
    return [line.strip()[len(prefix) :] for line in text.splitlines() if prefix in line]


def test_dbt_shell_task_becomes_a_configured_trigger_dbt_cli_command(tmp_path, headrace_cli):
    path = tmp_path / "legacy_dbt.py"
    path.write_text(LEGACY_1X)
    result = headrace_cli("migrate", str(path))
    assert result.exit_code == REWRITTEN, result.output
    migrated = path.read_text()
    assert MIGRATED_1X_CALL in migrated
    assert "from functools import partial" in migrated
    assert "from headrace_dbt.cli.commands import trigger_dbt_cli_command" in migrated
    assert "from headrace_dbt.cli.credentials import DbtCliProfile" in migrated
    assert "from headrace_dbt.cli.configs import TargetConfigs" in migrated
    assert "DbtShellTask" not in migrated
    assert _todos(migrated, "DBT101") == []
    # the migrated module imports and binds the real task with the profile block
    namespace = runpy.run_path(str(path))
    dbt = namespace["dbt"]
    assert dbt.func.name == "trigger_dbt_cli_command"
    profile = dbt.keywords["dbt_cli_profile"]
    assert profile.get_profile()["analytics"]["outputs"]["dev"]["path"] == "warehouse.duckdb"
    # a second run changes nothing
    assert headrace_cli("migrate", "--check", str(path)).exit_code == 0


def test_dbt_shell_task_leftovers_get_todos(tmp_path, headrace_cli):
    path = tmp_path / "legacy_dbt.py"
    path.write_text(
        textwrap.dedent(
            """\
            from prefect.tasks.dbt.dbt import DbtShellTask

            kwargs = {"type": "postgres"}
            dbt = DbtShellTask(
                dbt_kwargs=kwargs,
                env={"DBT_TARGET": "prod"},
                helper_script="source venv/bin/activate",
                return_all=True,
                max_retries=2,
            )
            secret = DbtShellTask(dbt_kwargs={"type": "postgres", "password": "pw"})
            """
        )
    )
    assert headrace_cli("migrate", str(path)).exit_code == REWRITTEN
    todos = _todos(path.read_text(), "DBT101")
    assert any(todo.startswith("dbt_kwargs=kwargs:") for todo in todos)
    assert any(todo.startswith("env={") for todo in todos)
    assert any(todo.startswith('helper_script="source venv/bin/activate"') for todo in todos)
    assert any(todo.startswith("return_all:") for todo in todos)
    assert any("max_retries" in todo for todo in todos)
    assert any("'password' is a secret" in todo for todo in todos)


def test_prefect_dbt_imports_move_to_headrace_dbt(tmp_path, headrace_cli):
    path = tmp_path / "flows.py"
    path.write_text(LEGACY_2X)
    result = headrace_cli("migrate", str(path))
    assert result.exit_code == REWRITTEN, result.output
    migrated = path.read_text()
    assert "from headrace_dbt.cli.commands import trigger_dbt_cli_command" in migrated
    assert "from headrace_dbt.cli.credentials import DbtCliProfile" in migrated
    imports = [line for line in migrated.splitlines() if line.startswith(("from", "import"))]
    assert not [line for line in imports if "prefect_dbt" in line]
    todos = _todos(migrated, "DBT201")
    assert len(todos) == 3
    heads = ("DbtCoreOperation is not in", "SnowflakeTargetConfigs is not in", "dbt Cloud is not")
    assert sorted(next(h for h in heads if t.startswith(h)) for t in todos) == sorted(heads)
    assert headrace_cli("migrate", "--check", str(path)).exit_code == 0


def test_migrated_prefect_dbt_paths_exist() -> None:
    from headrace_dbt.cli import DbtCliProfile, TargetConfigs
    from headrace_dbt.cli.commands import run_dbt_build, trigger_dbt_cli_command
    from headrace_dbt.cli.configs import TargetConfigs as ConfigsFromModule
    from headrace_dbt.cli.credentials import DbtCliProfile as ProfileFromModule

    assert (DbtCliProfile, TargetConfigs) == (ProfileFromModule, ConfigsFromModule)
    assert {run_dbt_build.name, trigger_dbt_cli_command.name} == {
        "run_dbt_build",
        "trigger_dbt_cli_command",
    }
