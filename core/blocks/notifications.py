"""Notification blocks: one interface, `notify(body, subject=None)`, for every way of telling
people something happened (Slack, any HTTP webhook, email with `headrace-email`).

Automations' "send a notification" action and state hooks use only that interface, so
any saved notification block works in both. `notify` sends at once and raises
`NotificationError` when the message did not go out; what it returns can also be awaited,
so Prefect 3 code in async flows that writes `await block.notify(...)` runs unchanged.
Secrets (webhook URLs, tokens, passwords) are `SecretStr` fields: masked in reprs, logs
and the store, and never repeated in error messages.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
import threading
from abc import abstractmethod
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from headrace.blocks._urls import check_http_url, check_public_url, redacted
from headrace.blocks.core import Block
from headrace.secrets import SecretDict

__all__ = [
    "PREFECT_NOTIFY_TYPE_DEFAULT",
    "CustomWebhookNotificationBlock",
    "NotificationBlock",
    "NotificationError",
    "Sent",
    "SlackWebhook",
    "notify_now",
    "notify_on_failure",
]

StateHook = Callable[[Any, Any, Any], None]

#: the default `notify_type` (Prefect's name)
PREFECT_NOTIFY_TYPE_DEFAULT = "info"


class NotificationError(Exception):
    """A notification did not go out; `log` says why (never with a secret in it)."""

    def __init__(self, log: str) -> None:
        super().__init__(log)
        self.log = log


class Sent:
    """What `notify` returns: nothing useful, but awaitable (to None) for async callers."""

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        return None
        yield  # a generator: awaiting finishes at once

    def __repr__(self) -> str:
        return "Sent()"


def block_logger(owner: object) -> logging.Logger | logging.LoggerAdapter:
    """The run's logger inside a flow or task run, else `headrace.<class name>` (Prefect:
    `prefect.<class name>`), configured like every headrace logger."""
    from headrace.exceptions import MissingContextError
    from headrace.logging import get_logger, get_run_logger

    try:
        return get_run_logger()
    except MissingContextError:
        return get_logger(type(owner).__name__)


class NotificationBlock(Block):
    """A block that can send a message: subclasses implement `notify(body, subject=None)`,
    which sends at once and raises `NotificationError` if the message did not go out."""

    _block_schema_capabilities = ["notify"]

    @abstractmethod
    def notify(self, body: str, subject: str | None = None) -> Any:
        """Send `body` (with `subject`, where the medium has one)."""

    async def anotify(self, body: str, subject: str | None = None) -> None:
        """`notify` without blocking the event loop (it runs in a worker thread)."""
        result = await asyncio.to_thread(self.notify, body, subject)
        if inspect.isawaitable(result) and not isinstance(result, Sent):
            await result

    @property
    def logger(self) -> logging.Logger | logging.LoggerAdapter:
        return block_logger(self)

    @contextmanager
    def raise_on_failure(self) -> Iterator[None]:
        """Prefect's switch to make failures raise; headrace's notification blocks always
        raise `NotificationError`, so inside or outside this block they behave the same."""
        yield


def notify_now(block: NotificationBlock, body: str, subject: str | None = None) -> None:
    """Send through any notification block from sync code and wait until it is sent,
    also when a third-party block's `notify` is a coroutine function (Prefect's abstract
    signature); automations and the failure hook call this."""
    result = block.notify(body, subject)
    if isinstance(result, Sent) or not inspect.isawaitable(result):
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_await(result))
        return
    # this thread runs an event loop already: wait for the coroutine on another thread
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(_await(result))
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)

    worker = threading.Thread(target=run, name="headrace-notify")
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


async def _await(awaitable: Any) -> Any:
    return await awaitable


def notify_on_failure(block: NotificationBlock | str, subject: str | None = None) -> StateHook:
    """A state hook for `@flow(on_failure=[...])` or a task's (also `on_crashed`) that
    sends the run's failure through a notification block.

    `block` is a block or a saved one's `"block-type/name"` reference, loaded when the hook
    fires. The subject names the flow (or task) and the run unless given; the body has the
    run id and the state's message.
    """

    def send_failure(owner: Any, run: Any, state: Any) -> None:
        target = Block.load(block) if isinstance(block, str) else block
        if not isinstance(target, NotificationBlock):
            raise TypeError(f"{type(target).__name__} is not a notification block")
        title, text = failure_message(owner, run, state)
        notify_now(target, text, subject if subject is not None else title)

    send_failure.__name__ = "notify_on_failure"
    return send_failure


def failure_message(owner: Any, run: Any, state: Any) -> tuple[str, str]:
    """(subject, body) for a run that ended badly."""
    kind = "Task" if hasattr(run, "task_key") else "Flow"
    state_name = getattr(state, "name", None) or "Failed"
    title = f"{kind} run {getattr(owner, 'name', '?')}/{run.name} entered {state_name}"
    detail = getattr(state, "message", None) or "no message"
    return title, f"{title}.\nRun id: {run.id}\n{detail}"


# -- Slack ---------------------------------------------------------------------------------
class SlackWebhook(NotificationBlock):
    """Posts to a Slack channel through an incoming-webhook URL (kept secret: whoever has
    it can post). `headrace-slack` adds the Web API blocks and its own webhook block.

    Example:
        SlackWebhook(url="https://hooks.slack.com/services/T/B/X").save("alerts")
        SlackWebhook.load("alerts").notify("Nightly load finished", subject="ETL")
    """

    _block_type_name = "Slack Webhook"

    url: SecretStr = Field(title="Webhook URL", description="Incoming webhook URL.")
    notify_type: Literal["info", "success", "warning", "failure"] = Field(
        default=PREFECT_NOTIFY_TYPE_DEFAULT,
        description="The kind of notification (Prefect's apprise field).",
    )
    allow_private_urls: bool = Field(
        default=True, description="Whether the URL may point at a private address."
    )
    timeout: float = Field(default=10, description="Seconds to wait for Slack.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: SecretStr) -> SecretStr:
        check_http_url(url.get_secret_value())
        return url

    def notify(self, body: str, subject: str | None = None) -> Sent:
        """Post `body` after a bold `subject` line (if given)."""
        import httpx

        url = self.url.get_secret_value()
        if not self.allow_private_urls:
            _checked(check_public_url, url)
        text = f"*{subject}*\n{body}" if subject else body
        try:
            with redacted(url):
                response = httpx.post(url, json={"text": text}, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise NotificationError(
                f"Slack webhook not reached: {_scrub(str(exc), [url])}"
            ) from None
        if response.status_code >= 300:
            raise NotificationError(
                f"Slack webhook answered HTTP {response.status_code}: "
                f"{_scrub(response.text[:200], [url])}"
            )
        return Sent()


# -- any HTTP endpoint -----------------------------------------------------------------------
_PLACEHOLDER = re.compile(r"\{\{\s*([\w.\-]+)\s*\}\}")
_TEMPLATED = ("url", "params", "form_data", "json_data", "headers", "cookies")


def _placeholders(template: Any) -> Iterator[str]:
    if isinstance(template, str):
        yield from _PLACEHOLDER.findall(template)
    elif isinstance(template, dict):
        for key, value in template.items():
            yield from _placeholders(key)
            yield from _placeholders(value)
    elif isinstance(template, (list, tuple)):
        for value in template:
            yield from _placeholders(value)


def _fill(template: Any, values: dict[str, Any]) -> Any:
    """`{{name}}` placeholders replaced; a string that is one placeholder takes the value
    itself (a number stays a number in JSON)."""
    if isinstance(template, str):
        whole = _PLACEHOLDER.fullmatch(template.strip())
        if whole:
            return values[whole.group(1)]
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)
    if isinstance(template, dict):
        return {_fill(key, values): _fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_fill(value, values) for value in template]
    return template


class CustomWebhookNotificationBlock(NotificationBlock):
    """Sends a notification to any HTTP endpoint, built from templates.

    Every string in `url`, `params`, `json_data`, `form_data`, `headers` and `cookies` may
    hold `{{subject}}`, `{{body}}`, `{{name}}` and the keys of `secrets` (a secret dict:
    tokens go there, never into the other fields). An unknown placeholder is refused
    when the block is made.

    Example:
        CustomWebhookNotificationBlock(
            name="ops", url="https://hooks.example.com/notify",
            json_data={"text": "{{subject}}: {{body}}", "token": "{{token}}"},
            secrets={"token": "s3cr3t"},
        ).notify("disk full", subject="db-1")
    """

    _block_type_name = "Custom Webhook"

    name: str = Field(title="Name", description="Name of the webhook.")
    url: str = Field(title="Webhook URL", description="The webhook URL.")
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = Field(
        default="POST", description="The webhook request method."
    )
    params: dict[str, str] | None = Field(default=None, title="Query Params")
    json_data: dict[str, Any] | None = Field(default=None, title="JSON Data")
    form_data: dict[str, str] | str | None = Field(default=None, title="Form Data")
    headers: dict[str, str] | None = Field(default=None, description="Custom headers.")
    cookies: dict[str, str] | None = Field(default=None, description="Custom cookies.")
    timeout: float = Field(default=10, description="Request timeout in seconds.")
    allow_private_urls: bool = Field(
        default=True, description="Whether the URL may point at a private address."
    )
    secrets: SecretDict = Field(
        default_factory=lambda: SecretDict({}),
        title="Custom Secret Values",
        description="Secret values for the templates' placeholders.",
    )

    @model_validator(mode="after")
    def _templates_are_complete(self) -> CustomWebhookNotificationBlock:
        if self.form_data is not None and self.json_data is not None:
            raise ValueError("give either json_data or form_data, not both")
        known = {"subject", "body", "name", *self.secrets.get_secret_value()}
        for field in _TEMPLATED:
            for placeholder in _placeholders(getattr(self, field)):
                if placeholder not in known:
                    raise ValueError(
                        f"{field} uses the placeholder {{{{{placeholder}}}}}, which is "
                        f"none of subject, body, name or a key of secrets"
                    )
        return self

    def _request(self, body: str, subject: str | None) -> dict[str, Any]:
        values = {
            **self.secrets.get_secret_value(),
            "subject": "null" if subject is None else subject,
            "body": body,
            "name": self.name,
        }
        data_key = "content" if isinstance(self.form_data, str) else "data"
        request = {
            "method": self.method,
            "url": self.url,
            "params": self.params,
            data_key: self.form_data,
            "json": self.json_data,
            "headers": self.headers,
            "cookies": self.cookies,
        }
        return _fill(request, values)

    def notify(self, body: str, subject: str | None = None) -> Sent:
        """Send the request the templates describe; NotificationError unless it succeeds."""
        import httpx

        request = self._request(body, subject)
        secrets = [str(value) for value in self.secrets.get_secret_value().values()]
        if not self.allow_private_urls:
            _checked(check_public_url, request["url"], secrets)
        cookies = request.pop("cookies") or {}
        headers = {"user-agent": "headrace notifications", **(request.pop("headers") or {})}
        try:
            with (
                redacted(request["url"], *secrets),
                httpx.Client(cookies=cookies, timeout=self.timeout) as client,
            ):
                response = client.request(headers=headers, **request)
        except httpx.HTTPError as exc:
            raise NotificationError(
                f"custom webhook {self.name!r} not reached: {_scrub(str(exc), secrets)}"
            ) from None
        if response.status_code >= 400:
            raise NotificationError(
                f"custom webhook {self.name!r} answered HTTP {response.status_code}"
            )
        return Sent()


def _scrub(text: str, secrets: list[str]) -> str:
    """`text` with every secret (of four characters or more) replaced by the mask."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "**********")
    return text


def _checked(check: Callable[[str], None], url: str, secrets: list[str] | None = None) -> None:
    try:
        check(url)
    except ValueError as exc:
        raise NotificationError(_scrub(str(exc), [url, *(secrets or [])])) from None


#: Prefect's apprise-based blocks, deliberately left out (docs/compatibility.md)
_NOT_PROVIDED = frozenset(
    {
        "AbstractAppriseNotificationBlock",
        "AppriseNotificationBlock",
        "DiscordWebhook",
        "MattermostWebhook",
        "MicrosoftTeamsWebhook",
        "OpsgenieWebhook",
        "PagerDutyWebHook",
        "SendgridEmail",
        "TwilioSMS",
    }
)


def __getattr__(name: str) -> Any:
    if name in _NOT_PROVIDED:
        raise NotImplementedError(
            f"headrace.blocks.notifications.{name} is not provided: Prefect sends it through "
            "apprise, which headrace does not ship. Send to that service with "
            "CustomWebhookNotificationBlock (any HTTP API) or headrace-email; see "
            "docs/compatibility.md."
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
