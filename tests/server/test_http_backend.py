"""The HTTP store backend: flows, blocks, variables, limits, deployments, workers and the
CLI through a real server, and what happens when the server is not there."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
from server_support import PYTHON, ServerProcess

HERE = Path(__file__).resolve().parent


def _client_env(server: ServerProcess, home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "HEADRACE_HOME": str(home), "HEADRACE_API_URL": server.api, **extra}
    env.pop("HEADRACE_DATABASE", None)
    return env


def _count(api: str, path: str, body: dict) -> int:
    return httpx.post(f"{api}{path}", json=body).json()


def _wait_for(condition, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_a_flow_records_every_task_run_and_log_through_the_server(server, tmp_path):
    env = _client_env(server, tmp_path / "client")
    result = subprocess.run(
        [PYTHON, str(HERE / "remote_flows.py"), "map", "500"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(sum(2 * i for i in range(500)))
    runs = httpx.post(f"{server.api}/flow_runs/filter", json={"flow_names": ["mapped"]}).json()
    assert len(runs) == 1 and runs[0]["state_type"] == "COMPLETED"
    tasks = {"flow_run_ids": [runs[0]["id"]], "state_types": ["COMPLETED"]}
    assert _count(server.api, "/task_runs/count", tasks) == 500
    logs = httpx.post(f"{server.api}/logs/filter", json={"flow_run_ids": [runs[0]["id"]]}).json()
    assert any(entry["message"] == "mapping 500 items" for entry in logs)
    # nothing went to a local file
    assert not (tmp_path / "client" / "headrace.db").exists()


def test_server_unreachable_at_flow_start_is_a_clear_error(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "HEADRACE_HOME": str(tmp_path), "HEADRACE_API_URL": url}
    result = subprocess.run(
        [PYTHON, str(HERE / "remote_flows.py"), "map", "3"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "ServerUnavailable" in last and f"cannot reach the headrace server at {url}" in last


def test_server_lost_mid_run_keeps_the_records_and_sends_them_when_it_is_back(tmp_path):
    server = ServerProcess(tmp_path / "server").start()
    folder = tmp_path / "sync"
    folder.mkdir()
    stderr = (tmp_path / "client.err").open("w")
    client = subprocess.Popen(
        [PYTHON, str(HERE / "remote_flows.py"), "pausing", str(folder), "40"],
        env=_client_env(server, tmp_path / "client"),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    try:
        _wait_for((folder / "half").exists, what="the first half of the tasks")
        server.kill()
        (folder / "go").write_text("")
        _wait_for(
            lambda: "cannot reach" in (tmp_path / "client.err").read_text(),
            what="the client to notice the server is gone",
        )
        assert client.poll() is None  # the flow waits for its records, it does not drop them
        server.start()
        out, _ = client.communicate(timeout=120)
    finally:
        if client.poll() is None:
            client.kill()
        stderr.close()
    messages = (tmp_path / "client.err").read_text()
    assert client.returncode == 0, messages
    assert out.strip() == str(sum(2 * i for i in range(80)))
    assert "is back" in messages and "lost" not in messages
    run = httpx.post(f"{server.api}/flow_runs/filter", json={"flow_names": ["pausing"]}).json()
    assert [r["state_type"] for r in run] == ["COMPLETED"]
    done = {"flow_run_ids": [run[0]["id"]], "state_types": ["COMPLETED"]}
    assert _count(server.api, "/task_runs/count", done) == 80
    logs = httpx.post(f"{server.api}/logs/filter", json={"flow_run_ids": [run[0]["id"]]}).json()
    assert any(entry["message"].startswith("done with") for entry in logs)
    server.stop()


def test_blocks_variables_and_limits_go_through_the_server(remote, client_home):
    from headrace.blocks.system import Secret
    from headrace.concurrency.sync import concurrency
    from headrace.variables import Variable

    Secret(value="s3").save("api-token", overwrite=True)
    assert Secret.load("api-token").get() == "s3"
    Variable.set("region", "eu-west", overwrite=True)
    assert Variable.get("region") == "eu-west"
    assert httpx.get(f"{remote.api}/variables/name/region").json()["value"] == "eu-west"
    httpx.post(f"{remote.api}/concurrency_limits", json={"name": "gpu", "limit": 1})
    with concurrency("gpu", occupy=1):
        limit = httpx.get(f"{remote.api}/concurrency_limits/name/gpu").json()
        assert limit["active_slots"] == 1
    assert httpx.get(f"{remote.api}/concurrency_limits/name/gpu").json()["active_slots"] == 0
    assert not (client_home / "headrace.db").exists()


def test_cli_commands_use_the_server(server, tmp_path):
    env = _client_env(server, tmp_path / "cli")

    def headrace(*args: str) -> str:
        result = subprocess.run(
            [PYTHON, "-m", "headrace", *args], env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    headrace("variable", "set", "cli-var", '"from-cli"', "--overwrite")
    assert httpx.get(f"{server.api}/variables/name/cli-var").json()["value"] == "from-cli"
    headrace("work-pool", "create", "cli-pool", "--type", "process")
    assert httpx.get(f"{server.api}/work_pools/cli-pool").status_code == 200
    assert "cli-pool" in headrace("work-pool", "ls")
    assert not (tmp_path / "cli" / "headrace.db").exists()


def test_a_worker_elsewhere_polls_the_server_and_runs_a_deployment(server, tmp_path):
    """A worker process whose only link to the store is HEADRACE_API_URL runs a run that
    was requested through the API."""
    flows = tmp_path / "project"
    flows.mkdir()
    (flows / "hello.py").write_text(
        "from headrace import flow\n\n\n@flow\ndef hello(name: str = 'x'):\n"
        "    print('hi', name)\n    return name\n"
    )
    api = server.api
    httpx.post(f"{api}/work_pools", json={"name": "remote-pool"})
    deployment = httpx.put(
        f"{api}/deployments",
        json={
            "name": "remote",
            "flow_name": "hello",
            "path": str(flows),
            "entrypoint": "hello.py:hello",
            "work_pool_name": "remote-pool",
            "parameter_names": ["name"],
        },
    ).json()
    run = httpx.post(
        f"{api}/deployments/{deployment['id']}/create_flow_run",
        json={"parameters": {"name": "from-api"}},
    ).json()
    env = _client_env(
        server,
        tmp_path / "worker-home",
        HEADRACE_WORKER_POLL_SECONDS="0.1",
        HEADRACE_WORKER_HEARTBEAT_SECONDS="0.5",
    )
    worker = subprocess.Popen(
        [PYTHON, "-m", "headrace", "worker", "start", "--pool", "remote-pool"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for(
            lambda: httpx.get(f"{api}/flow_runs/{run['id']}").json()["state_type"] == "COMPLETED",
            what="the worker to run the flow",
        )
        workers = httpx.post(f"{api}/workers/filter", json={"work_pool_name": "remote-pool"})
        assert len(workers.json()) == 1
    finally:
        worker.terminate()
        worker.wait(30)
    assert not (tmp_path / "worker-home" / "headrace.db").exists()


def test_the_buffer_is_bounded_and_losses_are_loud(tmp_path, capfd):
    """With the server gone, records beyond the buffer are dropped and reported, and what
    is still unsent at exit is reported as lost."""
    from headrace.store.http._shipper import Shipper
    from headrace.store.http._transport import Transport

    server = ServerProcess(tmp_path / "server").start()
    transport = Transport(server.api)
    server.kill()
    shipper = Shipper(transport, capacity=5)
    for i in range(20):
        shipper.put(("log", None, None, 20, "t", f"line {i}", 0.0))
    assert shipper.flush(timeout=0.5) is False
    shipper.close(timeout=0.5)
    transport.close()
    err = capfd.readouterr().err
    assert "cannot reach the headrace server" in err
    assert "new records are being dropped" in err
    assert "run record(s) could not be sent" in err and "are lost" in err
