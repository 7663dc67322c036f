"""The web UI in a real headless Chromium against a real server and store.

Runs are made the way users make them: scripts in subprocesses, the CLI, a worker
process. The page is never reloaded while waiting: it must update itself.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from ui_support import UiServer, auth_headers, start_server, stop_server

# one browser and one server for the whole module: with `--dist loadgroup` (make test)
# xdist keeps these tests on one worker instead of starting both twice
pytestmark = pytest.mark.xdist_group("server_ui")


def api(server: UiServer, path: str, body: dict[str, Any] | None = None) -> Any:
    response = httpx.post(server.url + "/api" + path, json=body or {}, timeout=10)
    response.raise_for_status()
    return response.json()


def newest_run(server: UiServer, flow_name: str) -> dict[str, Any]:
    runs = api(server, "/flow_runs/filter", {"flow_names": [flow_name], "limit": 1})
    assert runs, f"no {flow_name} run in the store"
    return runs[0]


def open_ui(page: Page, server: UiServer, route: str = "/") -> None:
    page.goto(f"{server.url}/#{route}")
    expect(page.locator("body[data-loaded=true]")).to_be_attached()


@pytest.fixture(scope="module")
def seeded(ui_server: UiServer) -> UiServer:
    """A failed run, a pipeline with tasks and a subflow, 30 small runs, and a secret
    block, a variable and a concurrency limit."""
    ui_server.script("seed")
    return ui_server


@pytest.fixture(scope="module")
def deployed(ui_server: UiServer) -> UiServer:
    """Work pool `ui-pool` and the deployment `ui-greet/nightly` (cron, default parameters);
    `--overwrite`, as another test of the module may have made the pool on this server."""
    ui_server.headrace("work-pool", "create", "ui-pool", "--type", "process", "--overwrite")
    ui_server.script("deploy", "ui-pool")
    return ui_server


def test_a_run_started_from_a_script_appears_without_reload(
    ui_server: UiServer, page: Page, shot
) -> None:
    open_ui(page, ui_server, "/runs?tag=smoke")
    expect(page.locator("#runs-table")).to_contain_text("No flow runs match")
    page.evaluate("window.__sameDocument = true")

    ui_server.script("greet", "from-a-script")
    run = newest_run(ui_server, "ui-greet")

    row = page.locator(f'tr[data-run-id="{run["id"]}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text(run["name"])
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    shot(page, "runs-live")


def test_a_failed_run_shows_its_traceback(seeded: UiServer, page: Page, shot) -> None:
    run = newest_run(seeded, "ui-broken")
    open_ui(page, seeded, "/")
    failure = page.locator(f'#recent-failures li[data-run-id="{run["id"]}"]')
    expect(failure).to_contain_text("ui-broken")
    shot(page, "dashboard", docs_image=True)

    failure.locator("a").click()
    traceback = page.locator("#traceback")
    expect(traceback).to_contain_text("Traceback (most recent call last)")
    expect(traceback).to_contain_text("in _bad_config")
    expect(traceback).to_contain_text("ValueError: cannot continue: disk full")
    expect(page.locator(".page-header .badge")).to_have_text("Failed")
    shot(page, "failed-run", docs_image=True)


def test_the_run_page_shows_tasks_subflows_states_parameters_and_logs(
    seeded: UiServer, page: Page, shot
) -> None:
    run = newest_run(seeded, "ui-pipeline")
    open_ui(page, seeded, f"/runs/{run['id']}")
    expect(page.locator(".page-header .badge")).to_have_text("Completed")
    expect(page.locator("#parameters")).to_contain_text("size")
    rows = page.locator("#task-timeline .timeline-row")
    expect(rows.filter(has_text="summarize")).to_have_count(1)
    expect(rows.filter(has_text="square")).to_have_count(4)
    expect(page.locator("#task-summary")).to_have_text("5 completed")
    expect(page.locator("#subflows")).to_contain_text("ui-child")
    history = page.locator("#state-history")
    expect(history).to_contain_text("Running")
    expect(history).to_contain_text("Completed")

    logs = page.locator("#logs")
    expect(logs).to_contain_text("pipeline starting with size 4")
    page.select_option("#log-level", "30")
    expect(logs).to_contain_text("summing 4 values")
    expect(logs).not_to_contain_text("pipeline starting")
    shot(page, "run-page", docs_image=True)

    # a click on a task shows that task's logs only
    page.select_option("#log-level", "20")
    rows.filter(has_text="summarize").click()
    expect(page.locator(".log-scope")).to_contain_text("summarize")
    expect(logs.locator(".log-line")).to_have_count(1)

    # the subflow has a row on the timeline that leads to its own page
    page.locator("#task-timeline .timeline-row.subflow").click()
    expect(page.locator(".page-header h1")).to_contain_text("ui-child")
    expect(page.locator("#summary")).to_contain_text("Parent flow run")


def test_runs_list_filters_and_pages(seeded: UiServer, page: Page, shot) -> None:
    open_ui(page, seeded, "/runs?flow=ui-greet&tag=bulk")
    info = page.locator("#page-info")
    expect(info).to_have_text("1–25 of 30")
    expect(page.locator("#runs-table tbody tr")).to_have_count(25)
    page.click("#page-next")
    expect(info).to_have_text("26–30 of 30")
    expect(page.locator("#runs-table tbody tr")).to_have_count(5)

    page.fill("#filter-tag", "bulk,odd")
    page.press("#filter-tag", "Enter")
    expect(info).to_have_text("1–15 of 15")
    target = api(seeded, "/flow_runs/filter", {"tags_all": ["odd"], "limit": 1})[0]
    page.fill("#filter-name", target["name"])
    page.press("#filter-name", "Enter")
    expect(page.locator(f'tr[data-run-id="{target["id"]}"]')).to_be_visible()
    page.fill("#filter-name", "")
    page.press("#filter-name", "Enter")

    page.fill("#filter-flow", "")
    page.fill("#filter-tag", "")
    page.press("#filter-tag", "Enter")
    page.select_option("#filter-state", "FAILED,CRASHED")
    rows = page.locator("#runs-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ui-broken")
    page.select_option("#filter-window", "1h")
    expect(rows).to_have_count(1)
    page.select_option("#filter-state", "")
    top_level = api(seeded, "/flow_runs/count", {"parent_flow_run_ids": [None]})
    expect(info).to_have_text(f"1–25 of {top_level}")
    shot(page, "runs-filtered")
    page.click("text=Clear")
    expect(page.locator("#filter-window")).to_have_value("")


def test_run_now_on_a_deployment_is_executed_by_a_worker(
    deployed: UiServer, page: Page, shot
) -> None:
    worker_process = deployed.spawn("worker", "start", "--pool", "ui-pool", "--name", "ui-worker")

    open_ui(page, deployed, "/work-pools")
    worker = page.locator('tr[data-worker="ui-worker"]')
    expect(worker).to_have_attribute("data-health", "ONLINE")
    shot(page, "work-pools", docs_image=True)

    page.click("nav >> text=Deployments")
    deployment = page.locator('tr[data-deployment="ui-greet/nightly"]')
    expect(deployment).to_contain_text("cron 0 3 * * *")
    expect(deployment).to_contain_text("ui-pool")
    expect(deployment.locator("td").nth(3)).to_contain_text("in ")  # the worker scheduled 3 a.m.
    deployment.locator("button.run-now").click()
    form = page.locator("#run-dialog form")
    expect(form.locator('input[name="name"]')).to_have_value('"ops"')
    shot(page, "run-now", docs_image=True)
    form.locator('input[name="name"]').fill('"from the browser"')
    form.locator('input[name="times"]').fill("2")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"#/runs/[0-9a-f-]+$"))
    expect(page.locator(".page-header .badge")).to_have_text("Completed", timeout=30_000)
    expect(page.locator("#parameters")).to_contain_text("from the browser")
    shot(page, "deployment-run")
    page.click("#deployment-link")
    expect(page.locator(".scope")).to_contain_text("ui-greet/nightly")
    expect(page.locator("#runs-table tbody tr").first).to_contain_text("Completed")

    page.click("nav >> text=Deployments")
    expect(deployment.locator("td").nth(5)).to_contain_text("Completed")
    deployment.locator("button.pause-toggle").click()
    expect(deployment).to_have_attribute("data-paused", "true")
    expect(deployment).to_contain_text("Paused")
    shot(page, "deployments", docs_image=True)
    deployment.locator("button.pause-toggle").click()
    expect(deployment).to_have_attribute("data-paused", "false")

    worker_process.terminate()  # its polling would only slow the tests after this one
    worker_process.wait(timeout=15)
    page.click("nav >> text=Work pools")
    expect(page.locator('tr[data-worker="ui-worker"]')).to_have_attribute("data-health", "STOPPED")


def test_the_api_reference_lists_every_route_from_the_local_schema(
    ui_server: UiServer, page: Page, shot
) -> None:
    schema = httpx.get(f"{ui_server.url}/api/openapi.json", timeout=10).json()
    page.goto(f"{ui_server.url}/docs")
    health = page.locator('section.api-op[data-method="get"][data-path="/api/health"]')
    expect(health.locator(".api-path")).to_have_text("/api/health")
    count = sum(
        method in ("get", "post", "put", "patch", "delete")
        for item in schema["paths"].values()
        for method in item
    )
    expect(page.locator("section.api-op")).to_have_count(count)
    put = '[data-method="put"][data-path="/api/variables/name/{name}"]'
    write = page.locator(f"section.api-op{put}")
    expect(write).to_contain_text("VariableWrite")
    expect(page.locator("#api-tags a")).not_to_have_count(0)
    shot(page, "api-reference")


def test_run_now_refuses_parameters_that_are_not_json(ui_server: UiServer, page: Page) -> None:
    ui_server.headrace("work-pool", "create", "ui-pool", "--type", "process", "--overwrite")
    ui_server.script("deploy", "ui-pool")
    open_ui(page, ui_server, "/deployments")
    page.locator('tr[data-deployment="ui-greet/nightly"] button.run-now').click()
    form = page.locator("#run-dialog form")
    form.locator('input[name="times"]').fill("{not json")
    form.locator("button[type=submit]").click()
    expect(form.locator(".error-note")).to_contain_text("times: {not json is not JSON")
    expect(page).to_have_url(re.compile(r"#/deployments$"))


def test_a_scheduled_run_can_be_cancelled_before_it_starts(deployed: UiServer, page: Page) -> None:
    nightly = api(deployed, "/deployments/filter", {"flow_names": ["ui-greet"]})[0]
    run = api(
        deployed,
        f"/deployments/{nightly['id']}/create_flow_run",
        {"scheduled_time": time.time() + 3600},
    )
    open_ui(page, deployed, f"/runs/{run['id']}")
    expect(page.locator(".page-header .badge")).to_have_text("Scheduled")
    expect(page.locator("#summary")).to_contain_text("ui-greet/nightly")
    page.click("#cancel-run")
    expect(page.locator(".page-header .badge")).to_have_text("Cancelled")
    expect(page.locator("#cancel-run")).to_have_count(0)
    expect(page.locator("#state-history")).to_contain_text("Cancelled from the UI")


def test_blocks_variables_and_limits_never_show_a_secret(
    seeded: UiServer, page: Page, shot
) -> None:
    open_ui(page, seeded, "/blocks")
    block = page.locator('tr[data-block="secret/warehouse-password"]')
    expect(block).to_contain_text("value")
    expect(block).to_contain_text("*****")
    assert "hunter2" not in page.content()
    shot(page, "blocks")

    page.click("nav >> text=Variables")
    expect(page.locator('tr[data-variable="batch_size"]')).to_contain_text('"rows": 500')
    page.click("nav >> text=Concurrency")
    expect(page.locator('tr[data-limit="warehouse"]')).to_contain_text("0 / 3")
    shot(page, "concurrency")


@pytest.fixture
def guarded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    server = start_server(
        tmp_path_factory.mktemp("ui-auth"), {"HEADRACE_API_KEY": "key-that-stays-secret"}
    )
    yield server
    stop_server(server)


def test_with_an_api_key_the_ui_asks_for_it_and_never_shows_it(
    guarded_server: UiServer, browser, page: Page, shot
) -> None:
    browser.clear_cookies()
    page.goto(guarded_server.url + "/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("#secret", "wrong")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_contain_text("Wrong key")
    page.fill("#secret", "key-that-stays-secret")
    page.click("button[type=submit]")
    expect(page.locator("body[data-loaded=true]")).to_be_attached()
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("#logout")).to_be_visible()
    page.click("nav >> text=Flow runs")
    expect(page.locator("#page-info")).to_have_text("0–0 of 0")
    assert "key-that-stays-secret" not in page.content()
    assert "key-that-stays-secret" not in page.evaluate(
        "JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + document.cookie"
    )
    page.click("#logout button")
    expect(page).to_have_url(re.compile(r"/login"))
    browser.clear_cookies()


def test_history_counts_every_run_once_per_state(seeded: UiServer) -> None:
    now = time.time()
    window = {"created_after": now - 3600, "created_before": now}
    history = api(seeded, "/flow_runs/history", {"start": now - 3600, "end": now, "buckets": 12})
    assert len(history) == 12
    assert history[0]["start"] == pytest.approx(now - 3600)
    assert history[-1]["end"] == pytest.approx(now)
    for state in ("COMPLETED", "FAILED"):
        in_store = api(seeded, "/flow_runs/count", {**window, "state_types": [state]})
        drawn = sum(bucket["counts"].get(state, 0) for bucket in history)
        assert drawn == in_store > 0

    refused = httpx.post(
        seeded.url + "/api/flow_runs/history", json={"start": now, "end": now - 1}, timeout=10
    )
    assert refused.status_code == 422
    assert "end must be after start" in refused.json()["message"]


def test_with_basic_auth_the_browser_asks_and_the_ui_works(
    tmp_path_factory: pytest.TempPathFactory, browser
) -> None:
    server = start_server(
        tmp_path_factory.mktemp("ui-basic"), {"HEADRACE_API_AUTH_STRING": "admin:pw-stays-secret"}
    )
    try:
        anonymous = httpx.get(server.url + "/", timeout=10)
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"].startswith("Basic")

        # what the browser sends once its login prompt is answered
        tab = browser.new_page()
        tab.set_extra_http_headers(auth_headers(server.env))
        try:
            tab.goto(server.url + "/#/runs")
            expect(tab.locator("body[data-loaded=true]")).to_be_attached()
            expect(tab.locator("#page-info")).to_have_text("0–0 of 0")
            assert "pw-stays-secret" not in tab.content()
        finally:
            tab.close()
    finally:
        stop_server(server)
