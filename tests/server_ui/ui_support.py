"""Helpers of the web UI tests: a real `headrace server start` on a free loopback port
over a real SQLite store, and the clients (scripts, CLI, workers) pointed at it."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

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


def auth_headers(env: dict[str, str]) -> dict[str, str]:
    """The `Authorization` header a client sends with these server settings."""
    if env.get("HEADRACE_API_KEY"):
        return {"Authorization": f"Bearer {env['HEADRACE_API_KEY']}"}
    if env.get("HEADRACE_API_AUTH_STRING"):
        token = base64.b64encode(env["HEADRACE_API_AUTH_STRING"].encode()).decode()
        return {"Authorization": f"Basic {token}"}
    return {}


def start_server(
    home: Path, extra_env: dict[str, str] | None = None, meanwhile: Callable[[], object] = object
) -> UiServer:
    """`headrace server start --port 0`, waited on until /api/health answers; `meanwhile`
    runs while the server boots (the browser starts in that time)."""
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
    try:
        meanwhile()
    except BaseException:
        process.kill()
        raise
    deadline = time.monotonic() + 20
    while not (found := re.search(r"http://127\.0\.0\.1:\d+", log.read_text())):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise AssertionError(f"server did not say where it listens:\n{log.read_text()}")
        time.sleep(0.05)
    url = found.group(0)
    headers = auth_headers(server_env)
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
    for name in ("HEADRACE_API_KEY", "HEADRACE_API_AUTH_STRING"):
        if name in server_env:
            env[name] = server_env[name]
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
