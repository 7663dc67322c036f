"""`Webhook`: an HTTP endpoint saved as a block, which the `CallWebhook` action calls.

The URL and headers usually carry a token, so both are secret: masked in every repr and
log, encrypted in the store.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, SecretStr

from headrace.blocks.core import Block
from headrace.secrets import SecretDict

__all__ = ["Webhook"]


class Webhook(Block):
    """Call an HTTP endpoint: `Webhook(url="https://...").save("on-call"); .call({...})`."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    url: SecretStr = Field(description="The endpoint; may contain a token, so it is secret.")
    headers: SecretDict = Field(default_factory=lambda: SecretDict({}))
    timeout: float = Field(10.0, gt=0, description="Seconds to wait for the endpoint.")

    def call(self, payload: dict[str, Any] | str | None = None) -> Any:
        """Send `payload` (a dict as JSON; a string as it is, JSON if it parses); raises
        for a non-2xx answer. Returns the `httpx.Response`."""
        import httpx

        headers = dict(self.headers.get_secret_value())
        content: str | None = None
        if isinstance(payload, dict):
            content = json.dumps(payload)
            headers.setdefault("Content-Type", "application/json")
        elif payload:
            content = payload
            try:
                json.loads(payload)
                headers.setdefault("Content-Type", "application/json")
            except ValueError:
                headers.setdefault("Content-Type", "text/plain")
        response = httpx.request(
            self.method,
            self.url.get_secret_value(),
            content=content,
            headers=headers,
            timeout=self.timeout,
        )
        if response.is_error:
            # the URL is secret: name the block, not where it points
            raise RuntimeError(
                f"webhook {self._block_document_name or 'block'!r} answered "
                f"{response.status_code} {response.reason_phrase}"
            )
        return response
