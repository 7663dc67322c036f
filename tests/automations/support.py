"""What the automation tests share: a loopback HTTP endpoint that records calls, a
notification block, evaluator subprocesses, and polling with a deadline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from headrace.blocks.core import Block


def wait_for(check: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Endpoint:
    """A real HTTP server on 127.0.0.1 recording each request body; `status` is its answer."""

    def __init__(self, status: int = 200) -> None:
        self.calls: list[str] = []
        self.status = status
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                endpoint.calls.append(self.rfile.read(length).decode())
                self.send_response(endpoint.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def payloads(self) -> list[Any]:
        return [json.loads(call) for call in self.calls]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FileNotifier(Block):
    """A notification block writing each message as a JSON line to a file."""

    path: str

    def notify(self, body: str, subject: str | None = None) -> None:
        if "fail" in body:
            raise RuntimeError("the notifier refused the message")
        with open(self.path, "a") as file:
            file.write(json.dumps({"subject": subject, "body": body}) + "\n")


EVALUATOR = """
import signal, sys, threading
from headrace.automations.evaluator import Evaluator
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
evaluator = Evaluator().start()
print("started", flush=True)
stop.wait()
evaluator.stop()
"""


def start_evaluator(home: Path, lease_seconds: float = 1.0) -> subprocess.Popen[str]:
    """An evaluator in its own process over the SQLite store in `home`."""
    env = {
        **os.environ,
        "HEADRACE_HOME": str(home),
        "HEADRACE_AUTOMATIONS_LEASE_SECONDS": str(lease_seconds),
        "HEADRACE_AUTOMATIONS_POLL_SECONDS": "0.05",
    }
    env.pop("HEADRACE_API_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-c", EVALUATOR], env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "started"
    return process
