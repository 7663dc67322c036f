"""The automations and events pages in a real headless Chromium against a real server,
whose own evaluator fires the automation; the page updates itself (never reloaded)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect
from ui_support import UiServer

pytestmark = pytest.mark.xdist_group("server_ui")


def open_ui(page: Page, server: UiServer, route: str) -> None:
    page.goto(f"{server.url}/#{route}")
    expect(page.locator("body[data-loaded=true]")).to_be_attached()


def post(server: UiServer, path: str, body: object) -> httpx.Response:
    reply = httpx.post(f"{server.url}/api{path}", json=body, timeout=10)
    assert reply.status_code < 300, reply.text
    return reply


def test_an_automation_fires_shows_its_error_and_pauses(ui_server: UiServer, page: Page, shot):
    marker = uuid.uuid4().hex[:8]
    name = f"ui-watch-{marker}"
    # an action that fails for this event (it concerns no deployment): recorded, shown
    automation = post(ui_server, "/automations", {
        "name": name,
        "trigger": {"type": "event", "expect": [f"ui.{marker}.ping"]},
        "actions": [{"type": "run-deployment", "source": "inferred"}],
    }).json()  # fmt: skip
    open_ui(page, ui_server, "/automations")
    panel = page.locator(f'section[data-automation="{name}"]')
    expect(panel).to_contain_text("It has not fired yet.")

    post(ui_server, "/events", [{"event": f"ui.{marker}.ping",
                                 "resource": {"prefect.resource.id": f"ui.{marker}"}}])  # fmt: skip
    expect(panel.locator(".last-error")).to_contain_text("concerns no deployment")
    expect(panel).to_contain_text("Fired 1 time(s)")
    expect(panel.locator('tr[data-status="failed"]')).to_have_count(1)
    shot(page, "automations")

    panel.get_by_role("button", name="Pause").click()
    expect(panel).to_have_attribute("data-enabled", "false")
    stored = httpx.get(f"{ui_server.url}/api/automations/{automation['id']}").json()
    assert stored["enabled"] is False


def test_the_events_page_filters_by_name(ui_server: UiServer, page: Page, shot):
    marker = uuid.uuid4().hex[:8]
    post(ui_server, "/events", [
        {"event": f"ui.{marker}.a", "resource": {"prefect.resource.id": "ui.one",
                                                  "prefect.resource.name": "first"},
         "payload": {"size": 3}},
        {"event": f"other.{marker}", "resource": {"prefect.resource.id": "ui.two"}},
    ])  # fmt: skip
    open_ui(page, ui_server, f"/events?event=ui.{marker}.*")
    rows = page.locator("#events tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"ui.{marker}.a")
    expect(rows.first).to_contain_text("first")
    expect(rows.first).to_contain_text('{"size":3}')
    page.locator("#event-filter").fill(f"other.{marker}")
    page.locator("#event-filter").dispatch_event("change")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"other.{marker}")
    shot(page, "events")
