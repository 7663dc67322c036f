"""A real `headrace server start` subprocess on a free loopback port, for the server tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

PYTHON = sys.executable
_URL = re.compile(r"headrace server at (http://\S+) ")


class ServerProcess:
    """`headrace server start --port PORT` with its own environment; `port=0` picks one."""

    def __init__(self, home: Path, port: int = 0, env: dict[str, str] | None = None) -> None:
        self.home = home
        self.env = {**os.environ, "HEADRACE_HOME": str(home), **(env or {})}
        self.env.pop("HEADRACE_API_URL", None)
        self.port = port
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.output = ""

    @property
    def api(self) -> str:
        return f"{self.url}/api"

    def start(self, timeout: float = 30.0) -> ServerProcess:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "headrace", "server", "start", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = _URL.search(line)
        if match is None:
            rest = self.process.stdout.read() if self.process.poll() is not None else ""
            self.stop()
            raise AssertionError(f"the server did not start: {line}{rest}")
        self.url = match.group(1)
        self.port = int(self.url.rsplit(":", 1)[1])
        headers = {}
        if self.env.get("HEADRACE_API_KEY"):
            headers["Authorization"] = f"Bearer {self.env['HEADRACE_API_KEY']}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.api}/health", headers=headers, timeout=2).status_code < 500:
                    # the rest of the API is built right after the health check answers:
                    # wait for it, so a loaded machine does not time out a test's first call
                    left = max(deadline - time.monotonic(), 5.0)
                    httpx.get(f"{self.api}/version", headers=headers, timeout=left)
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise AssertionError("the server did not become healthy")
            time.sleep(0.02)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Signal the server and wait for it; returns its exit code."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        if self.process.stdout is not None:
            self.output += self.process.stdout.read()
            self.process.stdout.close()
        self.process = None
        return code

    def kill(self) -> None:
        self.stop(signal.SIGKILL)
