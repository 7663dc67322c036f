"""SlackCredentials and SlackWebhook as blocks: saved, loaded, masked, validated."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from headrace.blocks.core import Block
from headrace_slack import SlackCredentials, SlackWebhook

TOKEN = "xoxb-1234-very-secret-token"
HOOK = "https://hooks.slack.com/services/T000/B000/verysecretpath"


def _store_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


def test_credentials_round_trip_through_the_store(headrace_harness):
    SlackCredentials(token=TOKEN, base_url="https://example.enterprise.slack.com/api/").save("bot")

    loaded = SlackCredentials.load("bot")

    assert loaded.token.get_secret_value() == TOKEN
    assert loaded.base_url == "https://example.enterprise.slack.com/api/"
    assert TOKEN.encode() not in _store_bytes(headrace_harness.home)


def test_webhook_loads_from_the_base_class_by_slug(headrace_harness):
    SlackWebhook(url=HOOK).save("alerts")

    loaded = Block.load("slack-incoming-webhook/alerts")

    assert isinstance(loaded, SlackWebhook)
    assert loaded.url.get_secret_value() == HOOK
    assert HOOK.encode() not in _store_bytes(headrace_harness.home)


def test_secrets_are_masked_in_repr_str_and_dumps():
    blocks = [SlackCredentials(token=TOKEN), SlackWebhook(url=HOOK)]
    for block in blocks:
        shown = [repr(block), str(block), block.model_dump_json(), str(block.model_dump())]
        assert all(TOKEN not in text and HOOK not in text for text in shown)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack-gov.com/services/T0/B0/x",
        "https://slack-proxy.internal.example.org/hooks/abc",
        "http://127.0.0.1:8080/services/T/B/X",
    ],
)
def test_webhook_accepts_gov_enterprise_and_proxy_hosts(url):
    assert SlackWebhook(url=url).url.get_secret_value() == url


def test_a_bad_webhook_url_is_refused_without_echoing_it():
    secretish = "not-a-url-but-secret-42"
    with pytest.raises(ValidationError) as info:
        SlackWebhook(url=secretish)
    assert "http(s) URL" in str(info.value)
    assert secretish not in str(info.value)


def test_get_client_targets_the_configured_base_url():
    client = SlackCredentials(token=TOKEN, base_url="http://127.0.0.1:9/api/").get_client()
    assert client.base_url == "http://127.0.0.1:9/api/"
    assert SlackCredentials(token=TOKEN).get_client().base_url == "https://slack.com/api/"


def test_plugin_registers_both_block_types():
    from headrace.plugins.manager import collect

    registered = set(collect("register_block_types"))
    assert {SlackCredentials, SlackWebhook} <= registered


def test_the_webhook_is_a_notification_block_with_prefect_slacks_slug():
    from headrace.blocks.notifications import NotificationBlock
    from headrace.blocks.notifications import SlackWebhook as CoreSlackWebhook

    assert isinstance(SlackWebhook(url=HOOK), NotificationBlock)
    assert SlackWebhook.get_block_type_slug() == "slack-incoming-webhook"
    assert CoreSlackWebhook.get_block_type_slug() == "slack-webhook"
