"""The Slack blocks: a bot/user token for the Web API and an incoming-webhook URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from headrace.blocks.core import Block
from headrace.blocks.notifications import NotificationBlock, Sent
from headrace_slack._redact import redacting_logger
from headrace_slack.errors import SlackWebhookError

DEFAULT_BASE_URL = WebClient.BASE_URL


class SlackCredentials(Block):
    """A Slack token (bot `xoxb-` or user `xoxp-`) for the Web API.

    Example:
        SlackCredentials(token="xoxb-...").save("bot")
        SlackCredentials.load("bot").get_client().chat_postMessage(channel="#ops", text="hi")
    """

    _block_type_name = "Slack Credentials"

    token: SecretStr = Field(description="Bot or user OAuth token.")
    base_url: str | None = Field(
        default=None,
        description="Web API root, for Enterprise Grid/GovSlack or a test double; "
        "defaults to slack_sdk's.",
    )

    def get_client(self) -> WebClient:
        """A slack_sdk WebClient authenticated with the token."""
        token = self.token.get_secret_value()
        return WebClient(
            token=token,
            base_url=self.base_url or DEFAULT_BASE_URL,
            logger=redacting_logger("web", token),
        )


class SlackWebhook(NotificationBlock):
    """An incoming-webhook URL, kept secret because whoever has it can post; a notification
    block, so automations and `notify_on_failure` hooks can send through it.

    Any https host is accepted (hooks.slack.com, hooks.slack-gov.com, a company proxy):
    Slack's own hosts are not the only ones in use.

    Example:
        SlackWebhook(url="https://hooks.slack.com/services/T/B/X").save("alerts")
        SlackWebhook.load("alerts").notify("Nightly load finished")
    """

    # prefect-slack's name and slug; `slack-webhook` is the core block of that name
    _block_type_name = "Slack Incoming Webhook"

    url: SecretStr = Field(description="The incoming webhook URL.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: SecretStr) -> SecretStr:
        """Only the shape is checked; the message never repeats the URL."""
        parts = urlsplit(url.get_secret_value())
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError("the webhook url must be an http(s) URL with a host")
        return url

    def get_client(self) -> WebhookClient:
        """A slack_sdk WebhookClient for the URL."""
        url = self.url.get_secret_value()
        return WebhookClient(url=url, logger=redacting_logger("webhook", url))

    def notify(self, body: str, subject: str | None = None) -> Sent:
        """Post `body` (after a bold `subject` line, if given) to the webhook's channel.

        Returns nothing useful, but something awaitable: Prefect 3 code in async flows
        writes `await webhook.notify(...)`, and that keeps working.
        """
        text = f"*{subject}*\n{body}" if subject else body
        self.send(text=text)
        return Sent()

    def send(
        self,
        text: str | None = None,
        attachments: list[dict] | None = None,
        blocks: list[dict] | None = None,
    ) -> None:
        """Post a message; raise SlackWebhookError when Slack refuses it."""
        response = self.get_client().send(text=text, attachments=attachments, blocks=blocks)
        if response.status_code != 200:
            raise SlackWebhookError(response.status_code, response.body)
