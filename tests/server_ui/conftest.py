"""A real server on a free loopback port over a real SQLite store, and a real headless
Chromium driven by Playwright, for the web UI tests.

Chromium is Debian's (`/usr/bin/chromium`, installed by `make test`): Playwright cannot
download its own browsers here. Screenshots go to the artifacts folder
(`HEADRACE_UI_ARTIFACTS`, default: pytest's temporary folder); with
`HEADRACE_UI_DOCS_IMG=docs/img` the curated ones are copied there for docs/server.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("HEADRACE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: how long the UI may take to show something (it polls every 2 s)
UI_TIMEOUT_MS = 15_000
Completed = subprocess.CompletedProcess

FAST_ENV = {
    "HEADRACE_WORKER_HEARTBEAT_SECONDS": "0.5",
    "HEADRACE_WORKER_POLL_SECONDS": "0.2",
}


@dataclass
class UiServer:
    """A `headrace server start` subprocess and the environment its clients use."""

    url: str
    home: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def script(self, *args: str, timeout: float = 60) -> Completed:
        """Run `ui_flows.py ARGS` as a user's script would, recording through the server."""
        return _checked([PYTHON, str(HERE / "ui_flows.py"), *args], self.env, timeout)

    def headrace(self, *args: str, timeout: float = 60) -> Completed:
        """Run a `headrace` CLI command against the server."""
        return _checked([PYTHON, "-m", "headrace", *args], self.env, timeout)

    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        """A long-running `headrace` command (a worker), stopped when the server fixture ends."""
        child = subprocess.Popen(
            [PYTHON, "-m", "headrace", *args],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.children.append(child)
        return child


def _checked(argv: list[str], env: dict[str, str], timeout: float) -> Completed:
    result = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=timeout, cwd=HERE
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{argv[2:]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def _base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADRACE_")}
    env.update(FAST_ENV, HEADRACE_HOME=str(home), PYTHONPATH=str(HERE))
    return env


def start_server(home: Path, extra_env: dict[str, str] | None = None) -> UiServer:
    """`headrace server start --port 0`, waited on until /api/health answers."""
    env = _base_env(home)
    server_env = {**env, **(extra_env or {})}
    log = home / "server.log"
    with log.open("w") as out:  # a file, not a pipe: a chatty server never blocks on it
        process = subprocess.Popen(
            [PYTHON, "-m", "headrace", "server", "start", "--port", "0"],
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 20
    while not (found := re.search(r"http://127\.0\.0\.1:\d+", log.read_text())):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError(f"server did not say where it listens:\n{log.read_text()}")
        time.sleep(0.05)
    url = found.group(0)
    key = server_env.get("HEADRACE_API_KEY")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(url + "/api/health", headers=headers, timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError(f"server at {url} never became healthy:\n{log.read_text()}")
        time.sleep(0.05)
    # clients reach the store through the server, as users point them at it; they share
    # its home only for the block encryption key (HEADRACE_ENCRYPTION_KEY in real setups)
    env["HEADRACE_API_URL"] = url + "/api"
    if key:
        env["HEADRACE_API_KEY"] = key
    return UiServer(url=url, home=home, env=env, process=process)


def stop_server(server: UiServer) -> None:
    for child in server.children:
        if child.poll() is None:
            child.terminate()
    for child in server.children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    server = start_server(tmp_path_factory.mktemp("ui-home"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
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
    yield tab
    tab.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


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
