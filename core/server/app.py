"""The ASGI application: API routers under `/api`, the schema at `/api/openapi.json`, the UI at `/`.

The UI lives in `headrace.server.ui`, which provides `mount(app)`; it adds its pages (the API
reference at `/docs` among them) and static assets to this app and reads only the public API.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from headrace.server import errors
from headrace.server.config import AuthConfig
from headrace.server.lifecycle import close_store, open_store
from headrace.server.security import SecurityMiddleware

#: the routers, one module per part of the store (each exports `router`)
ROUTE_MODULES = (
    "health",
    "flow_runs",
    "task_runs",
    "logs",
    "ingest",
    "deployments",
    "work_pools",
    "blocks",
    "variables",
    "concurrency_limits",
    "events",
    "automations",
    "flow_run_inputs",
    "task_queue",
    "artifacts",
)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # (`headrace server start` serves this app behind `front.Front`, which runs them itself)
    stop_warming = open_store()  # a broken database fails the start, not a request
    try:
        yield
    finally:
        stop_warming()
        close_store()


def create_app(auth: AuthConfig | None = None, loopback_only: bool = False) -> FastAPI:
    """A new application over the process's store (auth from the environment by default);
    `loopback_only` when it listens on a loopback address."""
    import headrace

    auth = AuthConfig.from_env() if auth is None else auth
    app = FastAPI(
        title="headrace",
        version=headrace.__version__,
        description="The headrace server's REST API: runs, deployments, work pools, "
        "blocks, variables and concurrency limits.",
        docs_url=None,  # the UI serves its own, offline API reference at /docs
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    errors.install(app)
    for name in ROUTE_MODULES:
        module = importlib.import_module(f"headrace.server.routes.{name}")
        app.include_router(module.router, prefix="/api")
    from headrace.server import login

    app.include_router(login.router)
    _mount_ui(app)
    app.add_middleware(SecurityMiddleware, auth=auth, loopback_only=loopback_only)
    app.state.auth = auth
    return app


def _mount_ui(app: FastAPI) -> None:
    try:
        ui = importlib.import_module("headrace.server.ui")
    except ModuleNotFoundError as exc:
        if exc.name != "headrace.server.ui":
            raise
        return
    ui.mount(app)
