"""The HTTP client side: one keep-alive connection pool to the server, errors mapped back.

A refused call raises the exception the local store would have raised (the server names
it in the reply's `error`), so code and CLI messages are the same on every backend.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from headrace.exceptions import HeadraceException, ObjectAlreadyExists, ObjectNotFound
from headrace.settings import get_current_settings, secret_text

API_KEY_ENV = "HEADRACE_API_KEY"
AUTH_STRING_ENV = "HEADRACE_API_AUTH_STRING"
TIMEOUT_ENV = "HEADRACE_API_REQUEST_TIMEOUT"


class ServerUnavailable(HeadraceException, ConnectionError):
    """The headrace server named by `HEADRACE_API_URL` cannot be reached."""


class ServerError(HeadraceException):
    """The server refused a call (authentication, origin) or failed to answer it."""


def _exception_types() -> dict[str, type[BaseException]]:
    """The exceptions a refusal may name (the store's and the builtins it raises)."""
    from headrace import exceptions

    types: dict[str, type[BaseException]] = {
        "ValueError": ValueError,
        "TypeError": TypeError,
        "ValidationError": ValueError,
    }
    for name in dir(exceptions):
        value = getattr(exceptions, name)
        if isinstance(value, type) and issubclass(value, Exception):
            types[name] = value
    return types


def redact_url(url: str) -> str:
    """The URL without a password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def auth_headers() -> dict[str, str]:
    """The `Authorization` header for the credentials in the settings, if any."""
    api = get_current_settings().api
    if api.key:
        return {"Authorization": f"Bearer {secret_text(api.key)}"}
    auth_string = secret_text(api.auth_string)
    if auth_string:
        token = base64.b64encode(auth_string.encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}
    return {}


class Transport:
    """JSON calls to `<api_url><path>` over one keep-alive `httpx.Client`."""

    def __init__(self, api_url: str, timeout: float | None = None) -> None:
        import httpx

        self.api_url = api_url.rstrip("/")
        self.location = redact_url(self.api_url)
        if timeout is None:
            timeout = get_current_settings().api.request_timeout
        self._httpx = httpx
        self._client = httpx.Client(
            base_url=self.api_url,
            headers={**auth_headers(), "User-Agent": "headrace"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        )
        self._errors: dict[str, type[BaseException]] | None = None

    def close(self) -> None:
        self._client.close()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        missing_ok: bool = False,
    ) -> Any:
        """The decoded JSON reply; with `missing_ok`, None for a 404."""
        headers = {"Content-Type": "application/json"} if content is not None else None
        try:
            response = self._client.request(
                method,
                path,
                json=body if content is None else None,
                content=content,
                params=params,
                headers=headers,
            )
        except self._httpx.TransportError as exc:
            raise ServerUnavailable(
                f"cannot reach the headrace server at {self.location} "
                f"({type(exc).__name__}: {exc or 'no reply'}); start it with "
                "`headrace server start`, or unset HEADRACE_API_URL to use the local store"
            ) from None
        if response.status_code < 300:
            return response.json() if response.content else None
        if response.status_code == 404 and missing_ok:
            return None
        raise self._error(response)

    def _error(self, response: Any) -> BaseException:
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        detail = payload.get("message") or payload.get("detail") or response.reason_phrase
        status = response.status_code
        if status == 401:
            return ServerError(
                f"the headrace server at {self.location} needs authentication: set "
                f"{API_KEY_ENV} or {AUTH_STRING_ENV} to its credentials ({detail})"
            )
        if status == 403:
            return ServerError(f"the headrace server at {self.location} refused the call: {detail}")
        if self._errors is None:
            self._errors = _exception_types()
        exc_type = self._errors.get(payload.get("error", ""))
        if exc_type is None:
            exc_type = {404: ObjectNotFound, 409: ObjectAlreadyExists, 422: ValueError}.get(status)
        if exc_type is None:
            return ServerError(
                f"the headrace server at {self.location} failed ({status}): {detail}"
            )
        return exc_type(detail)
