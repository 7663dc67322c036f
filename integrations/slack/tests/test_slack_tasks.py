"""The message tasks in flows, end to end against the fake Slack server."""

from __future__ import annotations

import logging

import pytest
from slack_sdk.errors import SlackApiError

from headrace import flow
from headrace_slack import (
    SlackCredentials,
    SlackMessageError,
    SlackWebhook,
    SlackWebhookError,
    send_chat_message,
    send_incoming_webhook_message,
)

pytestmark = pytest.mark.headrace_harness

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*done*"}}]


def test_chat_message_from_a_saved_block(headrace_slack_server, headrace_slack_credentials):
    headrace_slack_credentials.save("bot")

    @flow
    def announce() -> dict:
        creds = SlackCredentials.load("bot")
        return send_chat_message("#general", creds, text="load finished", slack_blocks=BLOCKS)

    answer = announce()

    assert answer["ok"] is True
    assert answer["channel"] == headrace_slack_server.channels["general"]
    assert answer["message"]["blocks"] == BLOCKS
    [message] = headrace_slack_server.messages
    assert (message.channel, message.text, message.blocks) == ("general", "load finished", BLOCKS)


def test_chat_message_with_attachments_by_channel_id(
    headrace_slack_server, headrace_slack_credentials
):
    attachments = [{"color": "#36a64f", "text": "3 rows", "fallback": "3 rows"}]

    @flow
    def report() -> str:
        channel_id = headrace_slack_server.channels["alerts"]
        return send_chat_message(channel_id, headrace_slack_credentials, attachments=attachments)[
            "ts"
        ]

    assert report()
    assert headrace_slack_server.messages[0].attachments == attachments


def test_unknown_channel_fails_the_flow_with_slacks_error(
    headrace_slack_server, headrace_slack_credentials
):
    @flow
    def announce():
        send_chat_message("#no-such-channel", headrace_slack_credentials, text="hello")

    with pytest.raises(SlackApiError, match="channel_not_found") as info:
        announce()
    assert isinstance(info.value, SlackMessageError)
    assert info.value.response["error"] == "channel_not_found"
    assert "to '#no-such-channel'" in str(info.value)
    assert "invite the app" in str(info.value)
    assert headrace_slack_server.messages == []


def test_wrong_token_is_invalid_auth_and_never_printed(headrace_slack_server):
    wrong = SlackCredentials(token="xoxb-wrong-secret-777", base_url=headrace_slack_server.api_url)

    @flow
    def announce():
        send_chat_message("#general", wrong, text="hello")

    state = announce(return_state=True)

    assert state.is_failed()
    assert "invalid_auth (the token is not valid" in state.message
    assert "xoxb-wrong-secret-777" not in state.message


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_a_message_without_content_is_no_text(headrace_slack_server, headrace_slack_credentials):
    with pytest.raises(SlackApiError, match="no_text"):
        send_chat_message.fn("#general", headrace_slack_credentials)


def test_incoming_webhook_message_in_a_flow(headrace_slack_server, headrace_slack_webhook):
    headrace_slack_webhook.save("alerts")

    @flow
    def alert() -> None:
        send_incoming_webhook_message(SlackWebhook.load("alerts"), text="disk full")

    alert()

    [message] = headrace_slack_server.messages
    assert (message.via, message.channel, message.text) == ("webhook", "alerts", "disk full")


def test_notify_puts_the_subject_first(headrace_slack_server, headrace_slack_webhook):
    headrace_slack_webhook.notify("3 rows loaded", subject="Nightly load")

    assert headrace_slack_server.messages[0].text == "*Nightly load*\n3 rows loaded"


def test_revoked_webhook_is_a_clear_error_without_the_url(headrace_slack_server):
    revoked_url = f"{headrace_slack_server.url}/services/T0FAKE/B0FAKE/revokedsecret"

    with pytest.raises(SlackWebhookError) as info:
        SlackWebhook(url=revoked_url).notify("hello")

    assert info.value.status == 404
    assert "HTTP 404: no_service (the webhook was revoked" in str(info.value)
    assert "revokedsecret" not in str(info.value)


def test_webhook_message_without_content_is_refused(headrace_slack_server, headrace_slack_webhook):
    with pytest.raises(SlackWebhookError, match="400: no_text"):
        send_incoming_webhook_message.fn(headrace_slack_webhook)


def test_secrets_stay_out_of_logs_and_run_records(
    headrace_harness,
    headrace_slack_server,
    headrace_slack_credentials,
    headrace_slack_webhook,
    caplog,
    headrace_run_logs,
):
    caplog.set_level(logging.DEBUG)
    secrets = [headrace_slack_server.token, "fakewebhooksecret"]

    @flow(log_prints=True)
    def both(creds: SlackCredentials, hook: SlackWebhook) -> None:
        print(creds, hook)
        send_chat_message("#general", creds, text="one")
        send_incoming_webhook_message(hook, text="two")

    both(headrace_slack_credentials, headrace_slack_webhook)

    assert len(headrace_slack_server.messages) == 2
    sdk_records = [r for r in caplog.records if r.name.startswith("headrace_slack")]
    assert sdk_records, "slack_sdk's debug records should reach logging, masked"
    stored = b"".join(p.read_bytes() for p in headrace_harness.home.rglob("*") if p.is_file())
    assert "Finished in state Completed" in headrace_run_logs.text
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in headrace_run_logs.text
        assert secret.encode() not in stored


async def test_prefect_3_async_code_may_await_notify(headrace_slack_server, headrace_slack_webhook):
    assert await headrace_slack_webhook.notify("from an async flow") is None
    assert headrace_slack_server.messages[0].text == "from an async flow"
