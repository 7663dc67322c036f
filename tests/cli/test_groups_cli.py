"""The other command groups: Prefect's names and aliases, JSON output, clear refusals where
headrace has no equivalent, config validation, version and completion."""

from __future__ import annotations

from pathlib import Path

from cli_support import table_rows

from headrace.deployments import records
from headrace.variables import Variable


def _deployment(tmp_path: Path) -> None:
    records.create_work_pool("local")
    records.save_deployment(
        records.DeploymentRecord(
            id="",
            name="daily",
            flow_name="greet",
            path=str(tmp_path),
            entrypoint="flows.py:greet",
            work_pool_name="local",
            schedules=[
                {
                    "type": "cron",
                    "cron": "0 6 * * *",
                    "timezone": "UTC",
                    "active": True,
                    "parameters": {},
                    "slug": None,
                    "day_or": True,
                }
            ],
        )
    )


def test_deployment_schedules_pools_queues(cli, home, tmp_path):
    _deployment(tmp_path)
    shown = cli("deployments", "inspect", "greet/daily", "-o", "json").json()
    assert shown["paused"] is False and shown["created"].endswith("+00:00")
    assert shown["schedules"][0]["schedule"] == "cron: 0 6 * * *"

    made = cli("deployment", "schedule", "create", "greet/daily", "--interval", "3600")
    assert made.code == 0, made.err
    listed = cli("deployment", "schedule", "ls", "greet/daily", "-o", "json").json()
    assert [s["schedule"] for s in listed] == ["cron: 0 6 * * *", "interval: 3600.0s"]
    assert cli("deployment", "schedule", "pause", "greet/daily", "2").code == 0
    listed = cli("deployment", "schedule", "ls", "greet/daily", "-o", "json").json()
    assert [s["active"] for s in listed] == [True, False]
    assert cli("deployment", "schedule", "resume", "--all").code == 0
    assert cli("deployment", "schedule", "delete", "greet/daily", "1", "-y").code == 0
    left = cli("deployment", "schedule", "ls", "greet/daily", "-o", "json").json()
    assert [(s["index"], s["schedule"], s["active"]) for s in left] == [
        (1, "interval: 3600.0s", True)
    ]
    two = cli(
        "deployment", "schedule", "create", "greet/daily", "--cron", "* * * * *", "--interval", "5"
    )
    assert two.code == 2 and "exactly one" in two.err
    wrong = cli("deployment", "schedule", "pause", "greet/daily", "7")
    assert wrong.code == 1 and "no schedule '7'" in wrong.err
    assert cli("deployment", "schedule", "clear", "greet/daily", "-y").code == 0
    assert records.get_deployment("greet/daily").schedules == []

    pool = cli("work-pools", "inspect", "local", "-o", "json").json()
    assert pool["deployments"] == ["greet/daily"] and pool["workers"] == []
    assert cli("work-pool", "preview", "local", "-o", "json").json() == []
    records.create_flow_run(records.get_deployment("greet/daily"), {}, 0.0)
    due = cli("work-pool", "preview", "local", "-o", "json").json()
    assert len(due) == 1 and due[0]["deployment"] == "greet/daily"
    assert cli("work-queue", "preview", "default", "--pool", "local", "-o", "json").json() == due
    assert cli("work-queues", "ls", "-o", "json").json()[0]["work_pool_name"] == "local"
    for args in (
        ("work-pool", "pause", "local"),
        ("work-queue", "create", "q"),
        ("work-pool", "get-default-base-job-template", "--type", "process"),
    ):
        refused = cli(*args)
        assert refused.code == 1 and "not available" in refused.err, args
    assert cli("work-queue", "inspect", "other", "--pool", "local").code == 1


def test_variables_blocks_and_alias_spellings(cli, home):
    Variable.set("region", {"name": "eu"}, tags=["infra"])
    inspected = cli("variables", "inspect", "region", "-o", "json").json()
    assert inspected["value"] == {"name": "eu"} and inspected["tags"] == ["infra"]
    assert inspected["updated"].endswith("+00:00")
    assert cli("variable", "ls", "-o", "json").json()[0]["name"] == "region"
    assert cli("variable", "delete", "region").code == 0
    assert cli("variable", "inspect", "region").code == 1

    types = cli("block", "type", "ls", "-o", "json").json()
    assert {"secret", "json", "local-file-system"} <= {t["slug"] for t in types}
    assert table_rows(cli("blocks", "types", columns=80).out, "Slug")  # the old spelling
    secret = cli("block", "type", "inspect", "secret", "-o", "json").json()
    assert [f["name"] for f in secret["fields"] if f["secret"]] == ["value"]
    assert cli("block", "type", "delete", "secret").code == 1
    assert cli("blocks", "ls", "-o", "json").json() == []
    recovered = cli("store", "recover", "--force")
    assert recovered.code == 0 and "store: copying the whole file" in recovered.err


def test_config_profile_version_and_completion(cli, home, tmp_path):
    view = cli("config", "view", "-o", "json", env={"HEADRACE_API_KEY": "s3cret-key"}).json()
    by_name = {row["name"]: row for row in view}
    assert by_name["HEADRACE_API_KEY"]["value"] == "********"  # never the secret
    assert by_name["HEADRACE_HOME"]["source"] == "env"
    shown = cli("config", "view", "--show-defaults", env={"HEADRACE_API_KEY": "s3cret-key"})
    assert (
        "s3cret-key" not in shown.out
        and "HEADRACE_LOGGING_LEVEL='INFO' (from default)" in shown.out
    )

    assert cli("config", "validate").code == 0
    bad = cli(
        "config",
        "validate",
        env={
            "HEADRACE_TASK_RUNNER_THREAD_POOL_MAX_WORKERS": "many",
            "HEADRACE_LOGGING_LEVEL": "LOUD",
        },
    )
    assert bad.code == 1
    assert "HEADRACE_TASK_RUNNER_THREAD_POOL_MAX_WORKERS='many'" in bad.err
    assert "HEADRACE_LOGGING_LEVEL='LOUD'" in bad.err
    bad_url = cli("config", "set", "PREFECT_API_URL=nowhere")
    assert bad_url.code == 1 and "PREFECT_API_URL='nowhere'" in bad_url.err
    assert cli("profiles", "ls", "-o", "json").json() == [{"name": "default", "active": True}]
    assert "profile 'prod' not found" in cli("profile", "use", "prod").err
    assert cli("server", "database", "upgrade").code == 0
    deploy = cli("deploy", "--all")
    assert deploy.code == 1 and "flow.deploy(" in deploy.err
    assert "only moves forward" in cli("server", "database", "reset", "-y").err
    down = cli("server", "status", env={"HEADRACE_API_URL": "http://127.0.0.1:9/api"})
    assert down.code == 1 and "no headrace server answers" in down.err

    import headrace

    assert cli("--version").out.strip() == f"headrace {headrace.__version__}"
    script = cli("--show-completion", env={"SHELL": "/bin/bash"})
    assert "_HEADRACE_COMPLETE=bash_complete" in script.out
    fake_home = tmp_path / "user"
    fake_home.mkdir()
    installed = cli("--install-completion", env={"SHELL": "/usr/bin/zsh", "HOME": str(fake_home)})
    assert installed.code == 0, installed.err
    assert "source " in (fake_home / ".zshrc").read_text()
    assert (fake_home / ".zsh_completions" / "headrace.sh").exists()
    completed = cli(
        env={
            "_HEADRACE_COMPLETE": "bash_complete",
            "COMP_WORDS": "headrace flow-r",
            "COMP_CWORD": "1",
        }
    )
    assert "flow-run" in completed.out
