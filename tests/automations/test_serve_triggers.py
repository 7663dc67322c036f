"""`flow.serve(triggers=...)` without a server: the serve process evaluates the trigger and
runs the flow with the templated parameters."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import wait_for  # noqa: E402

from headrace.events import emit_event  # noqa: E402
from headrace.store import get_store  # noqa: E402
from headrace.store.interface import FlowRunQuery  # noqa: E402

HERE = Path(__file__).resolve().parent


def test_serve_runs_its_flow_when_the_trigger_fires(isolated_home):
    env = {
        **os.environ,
        "HEADRACE_HOME": str(isolated_home),
        "HEADRACE_AUTOMATIONS_POLL_SECONDS": "0.05",
        "HEADRACE_SERVE_POLL_SECONDS": "0.2",
    }
    env.pop("HEADRACE_API_URL", None)
    serve = subprocess.Popen(
        [sys.executable, str(HERE / "serve_flow.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: get_store().automations.list(), what="the deployment's automation")
        emit_event("upload.done", {"prefect.resource.id": "upload.1"}, payload={"key": "abc"})
        get_store().flush()
        query = FlowRunQuery(flow_names=["on-upload"], state_types=["COMPLETED"])
        [run] = wait_for(lambda: get_store().runs.read_flow_runs(query), what="the served run")
        assert run["parameters"] == {"key": "abc"}
    finally:
        serve.send_signal(signal.SIGTERM)
        output = serve.communicate(timeout=60)[0]
    assert serve.returncode == 0, output
