"""pytest fixtures for code that talks to Slack (installed with `headrace-slack[testing]`).

headrace_slack_server       a running FakeSlack on 127.0.0.1 (Web API + one incoming
                            webhook); configure it with
                            `@pytest.mark.headrace_slack_server(channels=(...), token=...)`
headrace_slack_credentials  SlackCredentials pointed at the fake, with its valid token
headrace_slack_webhook      SlackWebhook pointed at the fake's webhook

The names before the `headrace_` prefix (`fake_slack`, also as a marker,
`slack_credentials`, `slack_webhook`) work with a DeprecationWarning until headrace 0.3.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from headrace.testing.pytest_plugin import closest_marker, deprecated_fixture


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "headrace_slack_server(token=..., channels=(...), webhook_channel=...): configure "
        "the headrace_slack_server fixture",
    )
    config.addinivalue_line(
        "markers", "fake_slack: deprecated alias of headrace_slack_server (gone in 0.3)"
    )


@pytest.fixture
def headrace_slack_server(request: pytest.FixtureRequest) -> Iterator:
    """A fake Slack Web API and webhook, stopped after the test."""
    from headrace_slack.fake_server import FakeSlack

    marker = closest_marker(request, "headrace_slack_server", old_name="fake_slack")
    with FakeSlack(**(marker.kwargs if marker else {})) as fake:
        yield fake


@pytest.fixture
def headrace_slack_credentials(headrace_slack_server):
    """SlackCredentials that reach `headrace_slack_server` with its accepted token."""
    from headrace_slack import SlackCredentials

    fake = headrace_slack_server
    return SlackCredentials(token=fake.token, base_url=fake.api_url)


@pytest.fixture
def headrace_slack_webhook(headrace_slack_server):
    """A SlackWebhook whose url is `headrace_slack_server`'s webhook."""
    from headrace_slack import SlackWebhook

    return SlackWebhook(url=headrace_slack_server.webhook_url)


_fake_slack = deprecated_fixture("fake_slack", "headrace_slack_server")
_slack_credentials = deprecated_fixture("slack_credentials", "headrace_slack_credentials")
_slack_webhook = deprecated_fixture("slack_webhook", "headrace_slack_webhook")
