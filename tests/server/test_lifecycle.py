"""`headrace server start`: binds loopback by default, serves health, stops cleanly on signals."""

from __future__ import annotations

import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest
from server_support import PYTHON, ServerProcess


def _flow_run_record(run_id: str) -> list:
    state = ["COMPLETED", "Completed", None, time.time()]
    return [
        "flow_run", run_id, "quick-fox", "lifecycle", None, {}, [], state, 1,
        None, None, None, None, None, "1:1",
    ]  # fmt: skip


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_starts_on_loopback_and_stops_on_a_signal_keeping_its_writes(tmp_path, sig):
    server = ServerProcess(tmp_path / "home").start()
    assert server.url.startswith("http://127.0.0.1:")
    assert httpx.get(f"{server.api}/health").json() is True
    reply = httpx.post(f"{server.api}/ingest", json={"records": [_flow_run_record("run-1")]})
    assert reply.status_code == 200, reply.text
    assert server.stop(sig) == 0
    assert "headrace server stopped" in server.output
    rows = sqlite3.connect(tmp_path / "home" / "headrace.db").execute(
        "SELECT name, state_type FROM flow_runs WHERE id = 'run-1'"
    )
    assert rows.fetchall() == [("quick-fox", "COMPLETED")]


def test_a_taken_port_is_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [PYTHON, "-m", "headrace", "server", "start", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**ServerProcess(tmp_path).env},
        )
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_openapi_page_and_schema(server):
    page = httpx.get(f"{server.url}/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert httpx.get(f"{server.url}/redoc").status_code == 404
    _assert_only_local_assets(server, page.text)
    paths = httpx.get(f"{server.api}/openapi.json").json()["paths"]
    for path in (
        "/api/health",
        "/api/flow_runs/filter",
        "/api/flow_runs/{run_id}",
        "/api/task_runs/filter",
        "/api/logs/filter",
        "/api/ingest",
        "/api/deployments/{deployment_id}/create_flow_run",
        "/api/work_pools/{name}/get_scheduled_flow_runs",
        "/api/variables/name/{name}",
        "/api/block_documents/filter",
        "/api/concurrency_limits/acquire",
    ):
        assert path in paths


def test_importing_headrace_does_not_import_the_server():
    code = (
        "import sys, headrace; from headrace import flow, task; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('fastapi', 'uvicorn', 'starlette', 'httpx') or m.startswith('headrace.server')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _assert_only_local_assets(server, html: str) -> None:
    """The page and the scripts it loads name no other host: it must work offline."""
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/ui/js/apidocs.js" in assets
    for asset in assets:
        assert not asset.startswith("//") and "://" not in asset, asset
        reply = httpx.get(f"{server.url}{asset}")
        assert reply.status_code == 200, asset
        if asset.endswith(".js"):
            for imported in re.findall(r'from "([^"]+)"', reply.text):
                assert imported.startswith("./"), imported
    script = httpx.get(f"{server.url}/ui/js/apidocs.js").text
    foreign = [url for url in re.findall(r"https?://[^\s\"'`)]+", script)]
    assert foreign == []
    assert "innerHTML" not in script
