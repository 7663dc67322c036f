"""The fake Slack server answers like Slack, so error paths in user code can be tested."""

from __future__ import annotations

import json
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from headrace_slack.fake_server import FakeSlack


def _post(url: str, body: dict, headers: dict | None = None) -> dict:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


@pytest.mark.headrace_slack_server(token="xoxb-custom", channels=("data-eng",))
def test_marker_configures_token_and_channels(headrace_slack_server):
    client = WebClient(token="xoxb-custom", base_url=headrace_slack_server.api_url)

    answer = client.chat_postMessage(channel="#data-eng", text="hi")

    assert answer["channel"] == headrace_slack_server.channels["data-eng"]
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="#general", text="hi")


def test_requests_without_a_token_are_not_authed(headrace_slack_server):
    answer = _post(
        headrace_slack_server.api_url + "chat.postMessage", {"channel": "general", "text": "x"}
    )

    assert answer == {"ok": False, "error": "not_authed"}
    [request] = headrace_slack_server.requests
    assert (request.method, request.path) == ("POST", "/api/chat.postMessage")


def test_auth_test_and_unknown_methods(headrace_slack_server):
    client = WebClient(token=headrace_slack_server.token, base_url=headrace_slack_server.api_url)

    assert client.auth_test()["ok"] is True
    with pytest.raises(SlackApiError, match="unknown_method"):
        client.api_call("conversations.kick")


def test_the_fake_stops_cleanly_and_refuses_url_when_stopped():
    fake = FakeSlack().start()
    url = fake.url
    fake.stop()

    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.url
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/api/auth.test", timeout=2)


@pytest.mark.fake_slack(channels=("ops",))
def test_the_old_fixture_and_marker_names_still_work_and_warn(request):
    with pytest.warns(DeprecationWarning) as caught:
        fake = request.getfixturevalue("fake_slack")
        webhook = request.getfixturevalue("slack_webhook")
    assert fake is request.getfixturevalue("headrace_slack_server")
    assert list(fake.channels) == ["ops"]  # the old marker still configures it
    assert webhook is request.getfixturevalue("headrace_slack_webhook")
    messages = {str(w.message) for w in caught}
    assert any("'fake_slack' fixture is deprecated and goes in headrace 0.3" in m for m in messages)
    assert any("'fake_slack' marker is deprecated" in m for m in messages)
    assert any("'slack_webhook' fixture is deprecated" in m for m in messages)
