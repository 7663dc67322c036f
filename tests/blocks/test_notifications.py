"""Notification and webhook blocks send for real, to a loopback HTTP server, and keep
their secrets out of reprs, saved documents and error messages."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_sink import HttpSink  # noqa: E402

from headrace import flow  # noqa: E402
from headrace.blocks.core import Block  # noqa: E402
from headrace.blocks.notifications import (  # noqa: E402
    CustomWebhookNotificationBlock,
    NotificationBlock,
    NotificationError,
    SlackWebhook,
    notify_now,
    notify_on_failure,
)
from headrace.blocks.webhook import Webhook, WebhookError, call_now  # noqa: E402

SECRET_PATH = "/services/T000/B000/s3cr3tP4th"


@pytest.fixture
def sink():
    server = HttpSink().start()
    yield server
    server.stop()


def test_slack_webhook_posts_and_hides_its_url(sink, caplog):
    hook = SlackWebhook(url=sink.url + SECRET_PATH)
    assert "s3cr3t" not in repr(hook) and "s3cr3t" not in str(hook)
    hook.save("alerts")
    loaded = Block.load("slack-webhook/alerts")
    assert isinstance(loaded, SlackWebhook) and isinstance(loaded, NotificationBlock)
    with caplog.at_level(logging.DEBUG):
        loaded.notify("3 rows loaded", subject="Nightly load")
    (request,) = sink.requests
    assert request.path == SECRET_PATH
    assert request.json() == {"text": "*Nightly load*\n3 rows loaded"}
    assert "s3cr3t" not in caplog.text and "HTTP Request: POST" in caplog.text


def test_a_refused_message_raises_without_the_secret(sink):
    sink.status, sink.reply = 403, b"invalid_token"
    hook = SlackWebhook(url=sink.url + SECRET_PATH)
    with pytest.raises(NotificationError, match="HTTP 403: invalid_token") as caught:
        hook.notify("hello")
    assert "s3cr3t" not in str(caught.value)
    sink.stop()
    with pytest.raises(NotificationError, match="not reached") as unreachable:
        hook.notify("hello")
    assert "s3cr3t" not in str(unreachable.value)
    sink.start()


def test_bad_urls_are_refused_without_repeating_them():
    with pytest.raises(ValueError, match="Only HTTP and HTTPS") as caught:
        SlackWebhook(url="ftp://host/s3cr3t")
    assert "s3cr3t" not in str(caught.value)
    # Prefect checks a Webhook's URL when it is called: it may be saved before it works
    webhook = Webhook(url="not a url s3cr3t")
    with pytest.raises(ValueError, match="is not a valid URL") as caught:
        webhook.call({"a": 1})
    assert "s3cr3t" not in str(caught.value)


def test_private_urls_can_be_forbidden(sink):
    hook = SlackWebhook(url=sink.url + SECRET_PATH, allow_private_urls=False)
    with pytest.raises(NotificationError, match="private address 127.0.0.1") as caught:
        hook.notify("x")
    assert "s3cr3t" not in str(caught.value) and sink.requests == []
    webhook = Webhook(url=sink.url + SECRET_PATH, allow_private_urls=False)
    with pytest.raises(ValueError, match="private address"):
        webhook.call({"a": 1})


def test_custom_webhook_fills_templates_from_context_and_secrets(sink):
    block = CustomWebhookNotificationBlock(
        name="ops",
        url=sink.url + "/notify/{{path_token}}",
        method="PUT",
        params={"channel": "{{name}}"},
        json_data={"text": "{{subject}}: {{body}}", "token": "{{token}}", "n": "{{count}}"},
        headers={"X-Auth": "Bearer {{token}}"},
        cookies={"session": "{{token}}"},
        secrets={"token": "tok-s3cr3t", "path_token": "p4th-s3cr3t", "count": 3},
    )
    assert "s3cr3t" not in repr(block)
    block.save("ops-hook")
    Block.load("custom-webhook/ops-hook").notify("disk full", subject="db-1")
    (request,) = sink.requests
    assert (request.method, request.path) == ("PUT", "/notify/p4th-s3cr3t")
    assert request.query == {"channel": ["ops"]}
    assert request.json() == {"text": "db-1: disk full", "token": "tok-s3cr3t", "n": 3}
    assert request.headers["x-auth"] == "Bearer tok-s3cr3t"
    assert request.headers["cookie"] == "session=tok-s3cr3t"
    assert request.headers["user-agent"] == "headrace notifications"


def test_custom_webhook_form_data_missing_subject_and_failures(sink):
    block = CustomWebhookNotificationBlock(
        name="form", url=sink.url + "/f", form_data={"msg": "{{subject}}|{{body}}"}
    )
    block.notify("only body")
    assert sink.requests[0].body == b"msg=null%7Conly+body"
    raw = CustomWebhookNotificationBlock(name="raw", url=sink.url + "/r", form_data="{{body}}")
    raw.notify("plain text")
    assert sink.requests[1].body == b"plain text"
    sink.status = 500
    with pytest.raises(NotificationError, match="'raw' answered HTTP 500"):
        raw.notify("x")


def test_custom_webhook_refuses_unknown_placeholders_and_both_payloads():
    with pytest.raises(ValueError, match=r"json_data uses the placeholder \{\{nope\}\}"):
        CustomWebhookNotificationBlock(name="x", url="http://h", json_data={"a": "{{nope}}"})
    with pytest.raises(ValueError, match="either json_data or form_data"):
        CustomWebhookNotificationBlock(name="x", url="http://h", json_data={}, form_data={})


def test_webhook_call_sync_and_async(sink):
    hook = Webhook(url=sink.url + "/deploy", headers={"Authorization": "Bearer s3cr3t"})
    assert "s3cr3t" not in repr(hook)
    response = hook.call({"ref": "main"})
    assert response.status_code == 200
    assert sink.requests[0].json() == {"ref": "main"}
    assert sink.requests[0].headers["authorization"] == "Bearer s3cr3t"

    async def from_async():
        return await Webhook(url=sink.url + "/raw", method="PATCH").call("plain")

    assert asyncio.run(from_async()).status_code == 200
    assert (sink.requests[1].method, sink.requests[1].body) == ("PATCH", b"plain")
    sink.status = 404
    assert hook.call().status_code == 404  # the response is returned, as Prefect does


def test_notify_is_awaitable_in_async_flows(sink):
    hook = SlackWebhook(url=sink.url + "/a")

    @flow
    async def tell():
        assert await hook.notify("from async") is None
        await hook.anotify("twin")

    asyncio.run(tell())
    assert [r.json()["text"] for r in sink.requests] == ["from async", "twin"]


def test_the_failure_hook_sends_through_any_saved_notification_block(sink):
    CustomWebhookNotificationBlock(
        name="pager", url=sink.url + "/page", json_data={"s": "{{subject}}", "b": "{{body}}"}
    ).save("pager")

    @flow(on_failure=[notify_on_failure("custom-webhook/pager")])
    def nightly():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        nightly()
    (request,) = sink.requests
    payload = request.json()
    assert payload["s"].startswith("Flow run nightly/") and payload["s"].endswith("Failed")
    assert "boom" in payload["b"] and "Run id:" in payload["b"]


def test_notify_now_runs_a_third_party_async_notify(sink):
    sent = []

    class AsyncBlock(NotificationBlock):
        async def notify(self, body, subject=None):
            await asyncio.sleep(0)
            sent.append((body, subject))

    notify_now(AsyncBlock(), "b", "s")

    async def inside_a_loop():
        notify_now(AsyncBlock(), "b2")

    asyncio.run(inside_a_loop())
    assert sent == [("b", "s"), ("b2", None)]


def test_prefects_apprise_blocks_say_they_are_not_provided():
    with pytest.raises(NotImplementedError, match="TwilioSMS is not provided.*compatibility"):
        from headrace.blocks.notifications import TwilioSMS  # noqa: F401
    with pytest.raises(ImportError):
        from headrace.blocks.notifications import NoSuchThing  # noqa: F401


def test_prefects_abstract_path_has_the_interface():
    from headrace.blocks import abstract

    assert abstract.NotificationBlock is NotificationBlock
    assert abstract.NotificationError is NotificationError

    class Token(abstract.CredentialsBlock):
        token: str

        def get_client(self):
            return {"token": self.token}

    assert Token(token="t").get_client() == {"token": "t"}
    with pytest.raises(TypeError):
        abstract.CredentialsBlock()  # abstract: get_client is missing

    class Vault(abstract.SecretBlock):
        value: bytes = b""

        def read_secret(self):
            return self.value

        def write_secret(self, secret_data):
            self.value = secret_data
            return "v2"

    vault = Vault()
    assert vault.write_secret(b"s") == "v2" and vault.read_secret() == b"s"
    assert vault.logger.name == "headrace.Vault"

    class HalfDone(abstract.ObjectStorageBlock):
        def upload_from_path(self, from_path, to_path, **kwargs):
            return to_path

    for base in (HalfDone, abstract.DatabaseBlock, abstract.JobBlock, abstract.SecretBlock):
        with pytest.raises(TypeError, match="abstract"):
            base()


def test_call_now_waits_and_raises_for_an_error_answer(sink):
    Webhook(url=sink.url + SECRET_PATH).save("deploy-hook")
    hook = Block.load("webhook/deploy-hook")
    assert call_now(hook, {"ref": "main"}).status_code == 200
    sink.status = 500
    with pytest.raises(WebhookError, match="'deploy-hook' answered 500") as caught:
        call_now(hook, "x")
    assert "s3cr3t" not in str(caught.value) and caught.value.status_code == 500

    async def inside_a_loop():  # still sync and sent: automations run it from any thread
        return call_now(hook)

    with pytest.raises(WebhookError):
        asyncio.run(inside_a_loop())
    assert len(sink.requests) == 3
