"""Automations end to end on a real SQLite store: create-time checks, the evaluator
firing real actions, failures recorded and survived, deploy(triggers=...)."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import Endpoint, FileNotifier  # noqa: E402

from headrace import flow  # noqa: E402
from headrace.automations import Automation  # noqa: E402
from headrace.automations.evaluator import Evaluator  # noqa: E402
from headrace.blocks.webhook import Webhook  # noqa: E402
from headrace.events import (  # noqa: E402
    CallWebhook,
    CancelFlowRun,
    DeploymentEventTrigger,
    DoNothing,
    EventTrigger,
    PauseDeployment,
    RunDeployment,
    SendNotification,
    emit_event,
)
from headrace.store import get_store  # noqa: E402


@flow(name="greeter")
def greeter(name: str = "world") -> str:
    return f"hello {name}"


def run_evaluator(evaluator: Evaluator) -> None:
    """Rounds until nothing is left to read (events were flushed before)."""
    get_store().flush()
    while evaluator.run_once():
        pass
    evaluator.run_once()


@pytest.fixture
def deployment_id() -> str:
    return greeter.to_deployment("on-upload").apply()


def test_run_deployment_with_templated_parameters(deployment_id):
    automation = Automation(
        name="rerun-on-upload",
        trigger=EventTrigger(expect={"s3.file.uploaded"}, match={"prefect.resource.id": "s3.*"}),
        actions=[
            RunDeployment(
                deployment_id=deployment_id, parameters={"name": "{{ event.payload.key }}"}
            )
        ],
    ).create()
    assert Automation.read(name="rerun-on-upload").id == automation.id
    evaluator = Evaluator()
    emit_event("s3.file.uploaded", {"prefect.resource.id": "s3.bucket.a"}, payload={"key": "a.csv"})
    emit_event("s3.file.uploaded", {"prefect.resource.id": "gcs.bucket"}, payload={"key": "no"})
    run_evaluator(evaluator)
    runs = get_store().deployments.deployment_runs(deployment_id)
    assert [(r["parameters"], r["state_type"]) for r in runs] == [({"name": "a.csv"}, "SCHEDULED")]
    # a second evaluator (a restart) reads on from the committed cursor: nothing twice
    run_evaluator(Evaluator())
    assert len(get_store().deployments.deployment_runs(deployment_id)) == 1
    [firing] = get_store().automations.firings(str(automation.id))
    assert firing["status"] == "done" and firing["action_type"] == "run-deployment"


def test_events_before_an_automation_existed_do_not_fire_it():
    endpoint = Endpoint()
    try:
        block_id = Webhook(url=endpoint.url).save("hook")
        emit_event("old.news", {"prefect.resource.id": "x"})
        get_store().flush()
        Automation(
            name="late",
            trigger=EventTrigger(expect={"old.news"}),
            actions=[CallWebhook(block_document_id=block_id, payload="{}")],
        ).create()
        emit_event("old.news", {"prefect.resource.id": "y"})
        run_evaluator(Evaluator())
        assert len(endpoint.calls) == 1
    finally:
        endpoint.close()


PAGE = '{"run": "{{ flow_run.name }}", "state": "{{ flow_run.state.name }}"}'


def test_call_webhook_and_send_notification_render_their_templates(tmp_path):
    endpoint = Endpoint()
    try:
        hook = Webhook(url=endpoint.url).save("pager")
        notes = tmp_path / "notes.jsonl"
        notifier = FileNotifier(path=str(notes)).save("notes")
        Automation(
            name="page-on-failure",
            trigger=EventTrigger(expect={"prefect.flow-run.Failed"}),
            actions=[
                CallWebhook(block_document_id=hook, payload=PAGE),
                SendNotification(
                    block_document_id=notifier,
                    subject="{{ flow_run.flow_name }} failed",
                    body="{{ event.resource['prefect.state-message'] }}",
                ),
            ],
        ).create()

        @flow(name="breaks")
        def breaks() -> None:
            raise ValueError("disk full")

        state = breaks(return_state=True)
        run_evaluator(Evaluator())
        [payload] = endpoint.payloads()
        row = get_store().runs.read_flow_run(str(state.state_details.flow_run_id))
        assert payload == {"run": row["name"], "state": "Failed"}
        [note] = [json.loads(line) for line in notes.read_text().splitlines()]
        assert note["subject"] == "breaks failed" and "disk full" in note["body"]
    finally:
        endpoint.close()


def test_a_failing_action_is_recorded_and_the_evaluator_goes_on(tmp_path):
    endpoint = Endpoint(status=500)
    try:
        hook = Webhook(url=endpoint.url).save("flaky")
        notifier = FileNotifier(path=str(tmp_path / "n.jsonl")).save("notes")
        failing = Automation(
            name="failing",
            trigger=EventTrigger(expect={"ping"}),
            actions=[CallWebhook(block_document_id=hook, payload="x")],
        ).create()
        working = Automation(
            name="working",
            trigger=EventTrigger(expect={"ping"}),
            actions=[SendNotification(block_document_id=notifier, body="{{ event.payload.n }}")],
        ).create()
        evaluator = Evaluator()
        for n in range(2):
            emit_event("ping", {"prefect.resource.id": "p"}, payload={"n": n})
        run_evaluator(evaluator)
        row = get_store().automations.read(str(failing.id))
        assert "answered 500" in row["last_error"] and endpoint.url not in row["last_error"]
        assert [f["status"] for f in get_store().automations.firings(str(failing.id))] == [
            "failed",
            "failed",
        ]
        assert get_store().automations.read(str(working.id))["last_error"] is None
        assert len((tmp_path / "n.jsonl").read_text().splitlines()) == 2
    finally:
        endpoint.close()


def test_cancel_and_pause_deployment_actions(deployment_id):
    from headrace.deployments import run_deployment

    Automation(
        name="stop-it",
        trigger=EventTrigger(expect={"stop.requested"}),
        actions=[CancelFlowRun(), PauseDeployment(source="inferred")],
    ).create()
    run = run_deployment(deployment_id, timeout=0)
    emit_event(
        "stop.requested",
        {"prefect.resource.id": f"prefect.flow-run.{run.id}"},
        related=[
            {
                "prefect.resource.id": f"prefect.deployment.{deployment_id}",
                "prefect.resource.role": "deployment",
            }
        ],
    )
    run_evaluator(Evaluator())
    assert get_store().runs.read_flow_run(run.id)["state_name"] == "Cancelled"
    assert get_store().deployments.read(deployment_id).paused is True


@pytest.mark.parametrize(
    ("actions", "words"),
    [
        (
            lambda d: [RunDeployment(deployment_id=d, parameters={"x": "{{ event.payload"})],
            "parameters.x: invalid template",
        ),
        (lambda d: [RunDeployment(deployment_id=uuid.uuid4())], "not found"),
        (lambda d: [SendNotification(block_document_id=uuid.uuid4(), body="x")], "not found"),
        (
            lambda d: [SendNotification(block_document_id=uuid.uuid4(), body="{% if %}")],
            "body: invalid template",
        ),
    ],
)
def test_create_refuses_bad_templates_and_unknown_objects(deployment_id, actions, words):
    automation = Automation(
        name="bad", trigger=EventTrigger(expect={"x"}), actions=actions(deployment_id)
    )
    with pytest.raises(ValueError, match=words):
        automation.create()
    assert get_store().automations.list() == []


def test_deploy_triggers_become_automations_of_the_deployment():
    deployment = greeter.to_deployment(
        "triggered",
        triggers=[
            DeploymentEventTrigger(
                expect={"data.ready"}, parameters={"name": "{{ event.resource.id }}"}
            )
        ],
    )
    deployment_id = deployment.apply()
    [automation] = get_store().automations.list()
    assert automation["owner_resource"] == f"prefect.deployment.{deployment_id}"
    assert automation["name"] == "triggered__automation_1"
    emit_event("data.ready", {"prefect.resource.id": "dataset.sales"})
    run_evaluator(Evaluator())
    [run] = get_store().deployments.deployment_runs(deployment_id)
    assert run["parameters"] == {"name": "dataset.sales"}
    # deploying again replaces (not adds) its automations; without triggers, removes them
    deployment.apply()
    assert len(get_store().automations.list()) == 1
    greeter.to_deployment("triggered").apply()
    assert get_store().automations.list() == []


def test_deploy_refuses_a_bad_trigger_at_deploy_time():
    with pytest.raises(ValueError, match="invalid template"):
        greeter.to_deployment(
            "bad", triggers=[DeploymentEventTrigger(expect={"x"}, parameters={"name": "{{ x"})]
        )
    with pytest.raises(ValueError, match="invalid trigger"):
        greeter.to_deployment("bad", triggers=[{"type": "event", "posture": "Sideways"}])


def test_pause_resume_update_delete():
    automation = Automation(
        name="life", trigger=EventTrigger(expect={"tick"}), actions=[DoNothing()]
    ).create()
    automation.pause()
    assert Automation.read(automation.id).enabled is False
    evaluator = Evaluator()
    emit_event("tick", {"prefect.resource.id": "t"})
    run_evaluator(evaluator)
    assert get_store().automations.read(str(automation.id))["fired_count"] == 0
    automation.resume()
    automation.description = "changed"
    automation.update()
    emit_event("tick", {"prefect.resource.id": "t"})
    run_evaluator(evaluator)
    row = get_store().automations.read(str(automation.id))
    assert row["fired_count"] == 1 and row["description"] == "changed"
    assert automation.delete() is True
    with pytest.raises(Exception, match="not found"):
        Automation.read(automation.id)


def test_change_flow_run_state_and_pause_automation_actions(deployment_id):
    from headrace.deployments import run_deployment
    from headrace.events import ChangeFlowRunState, PauseAutomation

    watched = Automation(
        name="watched", trigger=EventTrigger(expect={"never"}), actions=[DoNothing()]
    ).create()
    Automation(
        name="fixer",
        trigger=EventTrigger(expect={"fix.it"}),
        actions=[
            ChangeFlowRunState(state="FAILED", message="marked failed"),
            PauseAutomation(automation_id=watched.id),
        ],
    ).create()
    run = run_deployment(deployment_id, timeout=0)
    emit_event("fix.it", {"prefect.resource.id": f"prefect.flow-run.{run.id}"})
    run_evaluator(Evaluator())
    row = get_store().runs.read_flow_run(run.id)
    assert (row["state_name"], row["state_message"]) == ("Failed", "marked failed")
    assert Automation.read(watched.id).enabled is False


def test_refused_prefect_names_say_why():
    import headrace.automations
    import headrace.events

    with pytest.raises(NotImplementedError, match="compatibility.md"):
        headrace.events.PauseWorkQueue  # noqa: B018
    with pytest.raises(NotImplementedError, match="work queues"):
        headrace.automations.ResumeWorkQueue  # noqa: B018
