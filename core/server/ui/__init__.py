"""The web UI: static pages and scripts that read the public REST API under `/api`.

Everything ships in `web-assets/` (no CDN, no build step): `index.html` at `/`, the assets
under `/ui/`. The pages draw what `/api` returns, so whatever the UI shows a
script can read too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

STATIC_DIR = Path(__file__).resolve().parent / "web-assets"


def mount(app: FastAPI) -> None:
    """Serve the UI's page at `/`, its assets at `/ui/` and the API routes only it needs."""
    from fastapi.responses import FileResponse
    from fastapi.staticfiles import StaticFiles

    from headrace.server import routes_ui_support

    index = STATIC_DIR / "index.html"

    async def page() -> FileResponse:
        # no-cache: a browser revalidates (cheaply, by ETag) so an upgrade shows at once
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.include_router(routes_ui_support.router, prefix="/api")
    app.add_api_route("/", page, methods=["GET"], include_in_schema=False)
    app.mount("/ui", StaticFiles(directory=STATIC_DIR), name="ui")
