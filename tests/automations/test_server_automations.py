"""Automations through a real server: created over HTTP, evaluated by the server's own
evaluator; and the `headrace automation` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import wait_for  # noqa: E402

from headrace import flow  # noqa: E402
from headrace.automations import Automation  # noqa: E402
from headrace.events import DoNothing, EventTrigger, RunDeployment, emit_event  # noqa: E402
from headrace.store import get_store  # noqa: E402


@flow(name="server-greeter")
def server_greeter(name: str = "world") -> str:
    return f"hello {name}"


def test_the_server_evaluates_automations_created_by_a_client(remote):
    deployment_id = server_greeter.to_deployment("remote-triggered").apply()
    automation = Automation(
        name="remote-rerun",
        trigger=EventTrigger(expect={"remote.upload"}),
        actions=[RunDeployment(deployment_id=deployment_id,
                               parameters={"name": "{{ event.payload.who }}"})],
    ).create()  # fmt: skip
    stored = httpx.get(f"{remote.api}/automations/{automation.id}").json()
    assert stored["trigger"]["expect"] == ["remote.upload"]

    emit_event("remote.upload", {"prefect.resource.id": "up.1"}, payload={"who": "ana"})
    get_store().flush()
    runs = wait_for(lambda: get_store().deployments.deployment_runs(deployment_id),
                    what="the run the server's evaluator creates")  # fmt: skip
    assert [r["parameters"] for r in runs] == [{"name": "ana"}]


def test_the_server_refuses_a_bad_automation_with_a_clear_error(remote):
    body = {
        "name": "bad",
        "trigger": {"type": "event", "expect": ["x"]},
        "actions": [
            {"type": "run-deployment", "deployment_id": "00000000-0000-4000-8000-000000000000"}
        ],
    }
    reply = httpx.post(f"{remote.api}/automations", json=body)
    assert reply.status_code == 404 or reply.status_code == 422
    assert "not found" in reply.json()["message"]
    reply = httpx.post(f"{remote.api}/automations", json={**body, "trigger": {"type": "nope"}})
    assert reply.status_code == 422 and "trigger" in reply.json()["message"]


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEADRACE_HOME": str(home)}
    env.pop("HEADRACE_API_URL", None)
    return subprocess.run([sys.executable, "-m", "headrace", *args], env=env,
                          capture_output=True, text=True)  # fmt: skip


def test_automation_commands(isolated_home):
    automation = Automation(name="watch", trigger=EventTrigger(expect={"tick"}),
                            actions=[DoNothing()]).create()  # fmt: skip
    listed = json.loads(_cli(isolated_home, "automation", "ls", "--json").stdout)
    assert [(a["name"], a["enabled"]) for a in listed] == [("watch", True)]
    assert _cli(isolated_home, "automation", "pause", "watch").returncode == 0
    assert Automation.read(automation.id).enabled is False
    assert _cli(isolated_home, "automation", "resume", str(automation.id)[:8]).returncode == 0
    inspected = json.loads(_cli(isolated_home, "automation", "inspect", "watch", "--json").stdout)
    assert inspected["enabled"] is True and inspected["firings"] == []
    missing = _cli(isolated_home, "automation", "inspect", "nope")
    assert missing.returncode == 1 and "no automation" in missing.stderr
    assert _cli(isolated_home, "automation", "delete", "watch").returncode == 0
    assert get_store().automations.list() == []
