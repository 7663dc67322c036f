"""The login page: with an API key configured, a browser trades it once for a session cookie.

The cookie holds a value derived from the credentials (never the key itself), is
HttpOnly and SameSite=Strict, and state changes made with it alone must also pass the
origin check (see `headrace.server.security`).
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headrace.server.security import SESSION_COOKIE

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>headrace: log in</title>
<style>body{{font-family:system-ui,sans-serif;max-width:24rem;margin:15vh auto;padding:0 1rem}}
input,button{{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;margin:.3rem 0}}
.error{{color:#b00020}}</style></head>
<body><h1>headrace</h1>
<form method="post" action="/login">
<label for="secret">API key (HEADRACE_API_KEY) or user:password</label>
<input id="secret" name="secret" type="password" autocomplete="current-password" autofocus>
<input type="hidden" name="next" value="{next}">
<button type="submit">Log in</button></form>
<p class="error">{error}</p></body></html>
"""


def _safe_next(target: str) -> str:
    """Only same-site paths, so the login page cannot be used to redirect elsewhere."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
async def login_page(request: Request, next: str = "/") -> Response:
    if not request.app.state.auth.enabled:
        return RedirectResponse(_safe_next(next), status_code=303)
    return HTMLResponse(_PAGE.format(next=html.escape(_safe_next(next)), error=""))


@router.post("/login")
async def login(request: Request) -> Response:
    auth = request.app.state.auth
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    target = _safe_next(form.get("next", ["/"])[0])
    if not auth.enabled:
        return RedirectResponse(target, status_code=303)
    if not auth.accepts_login(form.get("secret", [""])[0]):
        page = _PAGE.format(next=html.escape(target), error="Wrong key or password.")
        return HTMLResponse(page, status_code=401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        auth.session_token(),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
async def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
