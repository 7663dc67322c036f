"""pytest fixtures for code that talks to Slack (installed with `headrace-slack[testing]`).

fake_slack         a running FakeSlack on 127.0.0.1 (Web API + one incoming webhook);
                   configure it with `@pytest.mark.fake_slack(channels=(...), token=...)`
slack_credentials  SlackCredentials pointed at the fake, with its valid token
slack_webhook      SlackWebhook pointed at the fake's webhook
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "fake_slack(token=..., channels=(...), webhook_channel=...): configure the "
        "fake_slack fixture",
    )


@pytest.fixture
def fake_slack(request: pytest.FixtureRequest) -> Iterator:
    """A fake Slack Web API and webhook, stopped after the test."""
    from headrace_slack.fake_server import FakeSlack

    marker = request.node.get_closest_marker("fake_slack")
    with FakeSlack(**(marker.kwargs if marker else {})) as fake:
        yield fake


@pytest.fixture
def slack_credentials(fake_slack):
    """SlackCredentials that reach `fake_slack` with its accepted token."""
    from headrace_slack import SlackCredentials

    return SlackCredentials(token=fake_slack.token, base_url=fake_slack.api_url)


@pytest.fixture
def slack_webhook(fake_slack):
    """A SlackWebhook whose url is `fake_slack`'s webhook."""
    from headrace_slack import SlackWebhook

    return SlackWebhook(url=fake_slack.webhook_url)
