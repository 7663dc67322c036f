"""`headrace dashboard open`: the web UI of the server this shell points at."""

from __future__ import annotations

import click

from headrace.server.config import DEFAULT_HOST, DEFAULT_PORT


def ui_url(route: str = "") -> str:
    """The UI address: `HEADRACE_UI_URL`, else derived from `HEADRACE_API_URL`, else the
    address `headrace server start` listens on by default."""
    import os

    from headrace.settings import get_settings

    base = os.environ.get("HEADRACE_UI_URL")
    if not base:
        api = get_settings().api_url
        base = api[: -len("/api")] if api and api.endswith("/api") else api
    base = (base or f"http://{DEFAULT_HOST}:{DEFAULT_PORT}").rstrip("/")
    return f"{base}/#/{route}" if route else f"{base}/"


def open_in_browser(route: str = "") -> None:
    import webbrowser

    url = ui_url(route)
    opened = webbrowser.open_new_tab(url)
    click.echo(f"{'Opened' if opened else 'Open'} {url}" + ("" if opened else " in a browser."))


@click.group("dashboard")
def dashboard() -> None:
    """The web UI (served by `headrace server start`)."""


@dashboard.command("open")
def open_() -> None:
    """Open the UI in a browser (prints the address when no browser is available)."""
    open_in_browser()
