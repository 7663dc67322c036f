"""The web UI: static pages and scripts that read the public REST API under `/api`.

Everything ships in `web-assets/` (no CDN, no build step): `index.html` at `/`, the API
reference `docs.html` at `/docs` (drawn from `/api/openapi.json`), the assets under `/ui/`.
The pages draw what `/api` returns, so whatever the UI shows a script can read too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from fastapi import FastAPI

STATIC_DIR = Path(__file__).resolve().parent / "web-assets"


def mount(app: FastAPI) -> None:
    """Serve the UI's page at `/`, the API reference at `/docs`, the assets at `/ui/` and the
    API routes only the UI needs."""
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles

    from headrace.server import routes_ui_support

    def serve(name: str) -> Callable[[], Awaitable[FileResponse]]:
        path = STATIC_DIR / name

        async def page() -> FileResponse:
            # no-cache: a browser revalidates (cheaply, by ETag) so an upgrade shows at once
            return FileResponse(path, headers={"Cache-Control": "no-cache"})

        return page

    app.include_router(routes_ui_support.router, prefix="/api")
    app.add_api_route("/", serve("index.html"), methods=["GET"], include_in_schema=False)
    app.add_api_route("/docs", serve("docs.html"), methods=["GET"], include_in_schema=False)
    app.mount("/ui", StaticFiles(directory=STATIC_DIR), name="ui")
