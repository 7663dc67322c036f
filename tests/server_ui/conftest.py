"""Fixtures of the web UI tests: a real server (see `ui_support`) and a real headless
Chromium driven by Playwright.

Chromium is Debian's (`/usr/bin/chromium`, installed by `make test`): Playwright cannot
download its own browsers here. Screenshots go to the artifacts folder
(`HEADRACE_UI_ARTIFACTS`, default: pytest's temporary folder); with
`HEADRACE_UI_DOCS_IMG=docs/img` the curated ones are copied there for docs/server.md.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ui_support import CHROMIUM, CHROMIUM_ARGS, UI_TIMEOUT_MS, UiServer, start_server, stop_server


@pytest.fixture(scope="module")
def ui_server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[UiServer]:
    # Chromium starts while the server boots: both take seconds
    server = start_server(
        tmp_path_factory.mktemp("ui-home"), meanwhile=lambda: request.getfixturevalue("browser")
    )
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # module scope: Playwright's sync API marks an event loop running in this thread while
    # it is open, and async tests that a worker runs later must not find one
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    profile = tempfile.mkdtemp(prefix="headrace-chromium-")
    with sync_playwright() as playwright:
        # a persistent context on a fresh profile folder: nothing of another run leaks in
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1360, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    from playwright.sync_api import expect

    expect.set_options(timeout=UI_TIMEOUT_MS)
    tab = browser.new_page()  # type: ignore[attr-defined]
    tab.set_default_timeout(UI_TIMEOUT_MS)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    # the UI works offline: every request goes to the server that served the page
    elsewhere: list[str] = []
    tab.on("request", lambda request: _note_foreign(request.url, elsewhere))
    yield tab
    tab.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not elsewhere, f"the page fetched from elsewhere than its server: {elsewhere}"


def _note_foreign(url: str, found: list[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1":
        return
    found.append(url)


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("HEADRACE_UI_ARTIFACTS")
    folder = Path(configured) if configured else tmp_path_factory.getbasetemp() / "ui-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shot(artifacts: Path):  # noqa: ANN201 - a callable fixture
    """`shot(page, name, docs=False)`: save a full-page screenshot (and copy the curated
    ones to `HEADRACE_UI_DOCS_IMG`)."""
    docs = os.environ.get("HEADRACE_UI_DOCS_IMG")

    def take(tab: object, name: str, docs_image: bool = False) -> Path:
        path = artifacts / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        assert path.stat().st_size > 0
        if docs and docs_image:
            Path(docs).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, Path(docs) / f"ui-{name}.png")
        return path

    return take
