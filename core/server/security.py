"""Authentication and cross-origin (CSRF) checks, as one ASGI middleware in front of everything.

Rules, in order (a server bound to a loopback address first refuses requests sent to
any other host name, which closes DNS rebinding):

1. With authentication configured, every request needs it, API and pages alike: an
   `Authorization` header (`Bearer <HEADRACE_API_KEY>` or basic auth matching
   `HEADRACE_API_AUTH_STRING`), or the session cookie the login page sets. Only the login
   page itself is open.
2. A state-changing request (anything but GET, HEAD, OPTIONS) that names an origin (the
   `Origin` header, else the `Referer`) must come from the server's own origin (the
   `Host` it was called on) or one listed in `HEADRACE_SERVER_ALLOWED_ORIGINS`.
3. A state-changing request that names no origin is a non-browser client: allowed when no
   authentication is configured or when it authenticated with an `Authorization` header,
   refused when it only carries the cookie (browsers always send one of the two headers
   on cross-site POSTs, so this closes the door a cookie alone would open).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote, urlsplit

from headrace.server.config import AuthConfig, allowed_origins

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "headrace_session"
LOGIN_PATH = "/login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _hostname(host_header: str) -> str:
    return (urlsplit(f"//{host_header}").hostname or "").lower()


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


#: webhook endpoints, called by other systems without a login (see headrace.events.webhooks)
PUBLIC_PREFIX = "/api/hooks/"


class SecurityMiddleware:
    """Refuses unauthenticated and cross-origin requests before any route runs."""

    def __init__(self, app: ASGIApp, auth: AuthConfig, loopback_only: bool = False) -> None:
        self.app = app
        self.auth = auth
        self.session_token = auth.session_token() if auth.enabled else None
        self.extra_origins = allowed_origins()
        # a server on 127.0.0.1 answers only to loopback names: a web page whose own name
        # was made to resolve to 127.0.0.1 (DNS rebinding) is not this server
        self.hosts = (
            LOOPBACK_HOSTS | {urlsplit(origin).hostname or "" for origin in self.extra_origins}
            if loopback_only
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
        }
        path: str = scope["path"]
        if self.hosts is not None and _hostname(headers.get("host", "")) not in self.hosts:
            await _send_json(
                send,
                421,
                {"detail": "refused: this server answers only to 127.0.0.1, localhost or ::1"},
            )
            return
        via_header = False
        if path.startswith(PUBLIC_PREFIX):  # webhooks: the random slug is the credential
            await self.app(scope, receive, send)
            return
        if self.auth.enabled and path != LOGIN_PATH:
            via_header = self.auth.accepts_header(headers.get("authorization", ""))
            via_cookie = not via_header and self._cookie_ok(headers.get("cookie", ""))
            if not (via_header or via_cookie):
                await self._unauthenticated(scope, path, send)
                return
        if scope["method"] not in SAFE_METHODS:
            refusal = self._origin_refusal(headers, via_header)
            if refusal is not None:
                await _send_json(send, 403, {"detail": refusal})
                return
        await self.app(scope, receive, send)

    def _cookie_ok(self, header: str) -> bool:
        import hmac

        value = _cookie(header, SESSION_COOKIE)
        return bool(value and self.session_token) and hmac.compare_digest(
            value.encode(), self.session_token.encode()
        )

    def _origin_refusal(self, headers: dict[str, str], via_header: bool) -> str | None:
        origin = headers.get("origin")
        if origin is None and "referer" in headers:
            origin = _origin_of(headers["referer"]) or "null"
        if origin is None:
            if self.auth.enabled and not via_header:
                return (
                    "refused: a state-changing request authenticated only by the session "
                    "cookie must carry an Origin or Referer header"
                )
            return None
        origin = origin.rstrip("/").lower()
        host = headers.get("host", "").lower()
        if origin != "null" and (urlsplit(origin).netloc == host or origin in self.extra_origins):
            return None
        return (
            f"refused: cross-origin request from {origin} (this server is {host or 'unknown'}; "
            "add a proxy's public origin to HEADRACE_SERVER_ALLOWED_ORIGINS)"
        )

    async def _unauthenticated(self, scope: Scope, path: str, send: Send) -> None:
        if path.startswith("/api") or self.auth.auth_string:
            challenge = 'Basic realm="headrace"' if self.auth.auth_string else "Bearer"
            await _send_json(
                send,
                401,
                {"detail": "authentication required: send the API key or basic-auth credentials"},
                [(b"www-authenticate", challenge.encode())],
            )
            return
        target = path + (f"?{scope['query_string'].decode()}" if scope.get("query_string") else "")
        location = f"{LOGIN_PATH}?next={quote(target, safe='')}"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [(b"location", location.encode()), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})


async def _send_json(
    send: Send, status: int, payload: dict[str, Any], extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(payload).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
