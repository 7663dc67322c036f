"""What uvicorn serves: the health check at once, the FastAPI application once it is built.

Importing FastAPI and analysing every route's signature costs about half a second of CPU,
most of a server start. The front opens the store (a broken database fails the start),
answers `GET /api/health` itself (behind the same authentication and origin checks as
everything else), and builds the application (`headrace.server.app.create_app`) in a
worker thread as soon as the server listens. A request for anything else that arrives
before the application is built waits for it. The ASGI lifespan (open the store, commit
every queued write on shutdown) is the front's, so it runs once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from headrace.server.config import AuthConfig
from headrace.server.lifecycle import close_store, open_store
from headrace.server.security import ASGIApp, Receive, Scope, SecurityMiddleware, Send

HEALTH_PATH = "/api/health"
_HEALTHY = (
    {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4")],
    },
    {"type": "http.response.body", "body": b"true"},
)


class Front:
    """The ASGI application of `headrace server start` (see the module docstring)."""

    def __init__(self, auth: AuthConfig, loopback_only: bool = False) -> None:
        self._auth = auth
        self._loopback_only = loopback_only
        self._app: ASGIApp | None = None
        self._lock = threading.Lock()
        self._checked: ASGIApp = SecurityMiddleware(self._serve, auth, loopback_only)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif self._app is not None:
            await self._app(scope, receive, send)
        else:
            await self._checked(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == HEALTH_PATH and scope["method"] == "GET":
            for message in _HEALTHY:
                await send(message)
            return
        app = self._app or await asyncio.to_thread(self.build)
        await app(scope, receive, send)

    def build(self) -> ASGIApp:
        """The FastAPI application (with its own security middleware), built once."""
        with self._lock:
            if self._app is None:
                # FastAPI is imported here, in the builder thread, not before the start
                from headrace.server.app import create_app

                app: Any = create_app(self._auth, loopback_only=self._loopback_only)
                self._app = app
        return self._app

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        stop_warming: Callable[[], None] = lambda: None  # noqa: E731
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    stop_warming = open_store()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                builder = threading.Thread(target=self.build, name="headrace-app", daemon=True)
                builder.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                stop_warming()
                close_store()
                await send({"type": "lifespan.shutdown.complete"})
                return
