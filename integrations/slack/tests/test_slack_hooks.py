"""notify_on_failure: a flow's (or task's) failure is posted to Slack, secrets left out."""

from __future__ import annotations

import logging

import pytest

from headrace import flow, task
from headrace_slack import notify_on_failure

pytestmark = pytest.mark.headrace_harness


def test_failed_flow_posts_flow_run_and_error(headrace_slack_server, headrace_slack_webhook):
    headrace_slack_webhook.save("alerts")

    @flow(on_failure=[notify_on_failure("alerts")])
    def nightly_load():
        raise ValueError("source table is empty")

    state = nightly_load(return_state=True)

    assert state.is_failed()
    [message] = headrace_slack_server.messages
    run_id = str(state.state_details.flow_run_id)
    assert "Flow run `nightly-load/" in message.text
    assert run_id in message.text
    assert "ValueError: source table is empty" in message.text
    assert "fakewebhooksecret" not in message.text


def test_completed_flow_posts_nothing(headrace_slack_server, headrace_slack_webhook):
    @flow(on_failure=[notify_on_failure(headrace_slack_webhook)])
    def fine() -> int:
        return 1

    assert fine() == 1
    assert headrace_slack_server.messages == []


def test_task_hook_names_the_task_and_mentions(headrace_slack_server, headrace_slack_webhook):
    @task(on_failure=[notify_on_failure(headrace_slack_webhook, mention="<!here>")])
    def extract():
        raise RuntimeError("api down")

    @flow
    def pipeline():
        extract(return_state=True)

    pipeline()

    [message] = headrace_slack_server.messages
    assert message.text.startswith("<!here> :x: Task run `extract/")
    assert "RuntimeError: api down" in message.text


def test_a_failing_hook_is_logged_without_the_url(headrace_slack_server, caplog, headrace_run_logs):
    from headrace_slack import SlackWebhook

    revoked = SlackWebhook(url=f"{headrace_slack_server.url}/services/T/B/revokedsecret")
    caplog.set_level(logging.DEBUG)

    @flow(on_failure=[notify_on_failure(revoked)])
    def broken():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        broken()

    assert "HTTP 404: no_service" in headrace_run_logs.text
    assert "revokedsecret" not in headrace_run_logs.text
    assert "revokedsecret" not in caplog.text


def test_the_core_failure_hook_sends_through_the_slack_webhook(
    headrace_slack_server, headrace_slack_webhook
):
    from headrace.blocks.notifications import notify_on_failure as core_hook

    headrace_slack_webhook.save("core-alerts")

    @flow(on_failure=[core_hook("slack-incoming-webhook/core-alerts")])
    def broken() -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        broken()
    [message] = headrace_slack_server.messages
    assert message.text.startswith("*Flow run broken/") and "disk full" in message.text
