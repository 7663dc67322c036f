"""Artifacts in the web UI: rendered on the run page (markdown without any HTML getting
through, tables, progress, links, images) and the artifacts pages (latest per key,
history), in a real headless Chromium against a real server."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from ui_support import UiServer

pytestmark = pytest.mark.xdist_group("server_ui")


def _api(server: UiServer, path: str, body: dict[str, Any]) -> Any:
    response = httpx.post(server.url + "/api" + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def _open(page: Page, server: UiServer, route: str) -> None:
    page.goto(f"{server.url}/#{route}")
    expect(page.locator("body[data-loaded=true]")).to_be_attached()


@pytest.fixture(scope="module")
def reported(ui_server: UiServer) -> UiServer:
    """Two runs of `ui-report`, each publishing five artifacts through the server."""
    ui_server.script("report", ui_server.url + "/ui/favicon.svg")
    return ui_server


def test_the_run_page_renders_each_kind_of_artifact(reported: UiServer, page: Page, shot) -> None:
    runs = _api(reported, "/flow_runs/filter", {"flow_names": ["ui-report"], "limit": 1})
    _open(page, reported, f"/runs/{runs[0]['id']}")
    cards = page.locator("#run-artifacts .artifact")
    expect(cards).to_have_count(5)

    report = page.locator('#run-artifacts .artifact[data-type="markdown"]').first
    expect(report.locator("h1")).to_have_text("Nightly v2 report")
    expect(report.locator("strong")).to_have_text("1,204 rows")
    expect(report.locator("li")).to_have_count(4)
    expect(report.locator("ul ul li")).to_have_text("dedupe")  # nested by indentation
    expect(report.locator("table.md-table tbody tr")).to_have_count(2)
    expect(report.locator("pre code")).to_have_text("select count(*) from orders")
    expect(report.locator('a[href="https://example.com/docs"]')).to_have_text("the docs")
    # raw HTML is shown as text and never runs; a javascript: link is no link
    expect(report).to_contain_text("<script>window.__pwned = true</script>")
    assert report.locator("script, img[onerror]").count() == 0
    assert report.locator('a[href^="javascript"]').count() == 0
    assert page.evaluate("window.__pwned") is None

    table = page.locator('#run-artifacts .artifact[data-type="table"]')
    expect(table.locator("thead th")).to_have_text(["table", "rows"])
    expect(table.locator("tbody tr").first).to_contain_text("orders")
    expect(table).to_contain_text("Rows per table")
    expect(table.locator(".artifact-task")).to_have_text("From task publish_table-0")
    expect(page.locator("#run-artifacts .progress-label")).to_have_text("75%")
    link = page.locator('#run-artifacts a[href="https://example.com/dashboards/1"]')
    expect(link).to_have_text("Dashboard")
    image = page.locator("#run-artifacts .artifact-image img")
    expect(image).to_have_attribute("src", reported.url + "/ui/favicon.svg")
    page.wait_for_function(
        "document.querySelector('#run-artifacts .artifact-image img').naturalWidth > 0"
    )
    shot(page, "run-artifacts", docs_image=True)


def test_the_artifacts_page_lists_latest_versions_and_history(
    reported: UiServer, page: Page, shot
) -> None:
    _open(page, reported, "/artifacts")
    rows = page.locator("#artifacts tbody tr")
    expect(rows).to_have_count(5)
    report_row = page.locator('#artifacts tr[data-key="nightly-report"]')
    expect(report_row.locator("td.num")).to_have_text("2")
    expect(report_row).to_contain_text("# Nightly v2 report")
    page.fill("#artifact-search", "progress")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("75%")
    page.fill("#artifact-search", "")
    expect(rows).to_have_count(5)
    shot(page, "artifacts", docs_image=True)

    report_row.locator("a").first.click()
    expect(page.locator(".page-header h1")).to_have_text("nightly-report")
    expect(page.locator("#artifact-latest h1")).to_have_text("Nightly v2 report")
    versions = page.locator("#artifact-history tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.nth(1)).to_contain_text("v1")
    shot(page, "artifact-history")
