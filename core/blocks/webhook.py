"""`Webhook`: a saved HTTP endpoint to call with a payload (Prefect's `blocks.webhook`).

The URL and the headers are secrets (a webhook URL usually is the credential). `call`
returns the `httpx.Response` whatever its status, as Prefect's does; in async code
(`await webhook.call(...)`) it is a coroutine, in sync code it calls at once.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr

from headrace.blocks._urls import check_http_url, check_public_url, redacted
from headrace.blocks.core import Block
from headrace.secrets import SecretDict
from headrace.utilities.asyncutils import async_dispatch

__all__ = ["Webhook", "WebhookError", "call_now"]


class Webhook(Block):
    """Calls an HTTP endpoint: `Webhook.load("deploy-hook").call({"ref": "main"})`.

    A dict payload is sent as JSON, a string as the raw body. The URL is checked when
    called (ValueError "... is not a valid URL"); with `allow_private_urls=False`, a URL
    whose host resolves to a private or loopback address is refused before anything is
    sent.
    """

    _block_type_name = "Webhook"

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = Field(
        default="POST", description="The webhook request method."
    )
    url: SecretStr = Field(title="Webhook URL", description="The webhook URL.")
    headers: SecretDict = Field(
        default_factory=lambda: SecretDict({}),
        title="Webhook Headers",
        description="Headers to send with the request (secret: they often carry tokens).",
    )
    allow_private_urls: bool = Field(
        default=True, description="Whether the URL may point at a private address."
    )
    verify: bool = Field(default=True, description="Whether to verify the TLS certificate.")
    timeout: float = Field(default=30, description="Seconds to wait for the endpoint.")

    def _request(self, payload: dict[str, Any] | str | None) -> dict[str, Any]:
        url = self.url.get_secret_value()
        # checked when called, as Prefect does: a block may be saved before its URL works
        (check_http_url if self.allow_private_urls else check_public_url)(url)
        body = {"content": payload} if isinstance(payload, str) else {"json": payload}
        return {
            "method": self.method,
            "url": url,
            "headers": self.headers.get_secret_value(),
            **body,
        }

    async def acall(self, payload: dict[str, Any] | str | None = None) -> Any:
        """`call`, awaited."""
        import httpx

        request = self._request(payload)
        with redacted(*self._secrets()):
            async with httpx.AsyncClient(verify=self.verify, timeout=self.timeout) as client:
                return await client.request(**request)

    @async_dispatch(acall)
    def call(self, payload: dict[str, Any] | str | None = None) -> Any:
        """Send `payload` (a dict as JSON, a string as is) and return the response."""
        import httpx

        request = self._request(payload)
        with (
            redacted(*self._secrets()),
            httpx.Client(verify=self.verify, timeout=self.timeout) as client,
        ):
            return client.request(**request)

    def _secrets(self) -> list[str]:
        headers = self.headers.get_secret_value()
        return [self.url.get_secret_value(), *(str(value) for value in headers.values())]


class WebhookError(RuntimeError):
    """A webhook answered with an error status; names the block and the status, never the
    URL (it is a secret)."""

    def __init__(self, name: str, status_code: int, reason: str) -> None:
        super().__init__(f"webhook {name!r} answered {status_code} {reason}".rstrip())
        self.status_code = status_code


def call_now(block: Any, payload: dict[str, Any] | str | None = None) -> Any:
    """Call a webhook block from sync code, wait for the answer and raise `WebhookError`
    for a 4xx or 5xx one (`Webhook.call` returns any answer, as Prefect's does): for
    automations and hooks, where a refused call must count as a failure. Works with any
    block that has `call(payload)`, also one whose `call` is a coroutine function."""
    import asyncio
    import inspect

    if isinstance(block, Webhook):
        response = block.call(payload, _sync=True)
    else:
        response = block.call(payload)
        if inspect.isawaitable(response):
            response = asyncio.run(_awaited(response))
    status = getattr(response, "status_code", None)
    if isinstance(status, int) and status >= 400:
        name = getattr(block, "_block_document_name", None) or type(block).__name__
        raise WebhookError(name, status, getattr(response, "reason_phrase", "") or "")
    return response


async def _awaited(awaitable: Any) -> Any:
    return await awaitable
