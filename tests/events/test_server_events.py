"""Events through a real server: shipped from a client, posted as Prefect's JSON, turned
from webhook calls into events, and read back with filters."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid

import httpx

from headrace import flow
from headrace.events import emit_event
from headrace.store import get_store
from headrace.store.interface import EventQuery


def _wait_for(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_events_emitted_in_a_client_flow_reach_the_server(remote):
    marker = uuid.uuid4().hex

    @flow(name="remote-emitter")
    def remote_emitter() -> None:
        for index in range(3):
            emit_event("remote.thing", {"prefect.resource.id": f"thing.{marker}.{index}"})

    remote_emitter()
    rows = get_store().events.read_events(
        EventQuery(resource_ids=[f"thing.{marker}.*"], sort="occurred_asc")
    )
    assert [r["resource"]["prefect.resource.id"] for r in rows] == [
        f"thing.{marker}.{i}" for i in range(3)
    ]
    # what the server stored, read without this client's store
    body = {"names": ["prefect.flow-run.Completed"], "limit": 50}
    served = httpx.post(f"{remote.api}/events/filter", json=body).json()
    run_ids = {r["prefect.resource.id"] for e in rows for r in e["related"]}
    assert any(e["resource"]["prefect.resource.id"] in run_ids for e in served)


def test_post_events_takes_prefects_event_json_and_keeps_an_id_once(remote):
    event_id = str(uuid.uuid4())
    event = {
        "occurred": "2026-05-01T10:00:00Z",
        "event": "external.deploy.finished",
        "resource": {"prefect.resource.id": f"ci.job.{event_id}"},
        "payload": {"ok": True},
        "id": event_id,
    }
    for _ in range(2):
        reply = httpx.post(f"{remote.api}/events", json=[event])
        assert reply.status_code == 200, reply.text
    assert reply.json() == {"accepted": 1}
    rows = get_store().events.read_events(EventQuery(resource_ids=[f"ci.job.{event_id}"]))
    assert len(rows) == 1 and rows[0]["payload"] == {"ok": True}


def test_post_events_refuses_a_malformed_event_and_stores_none_of_the_batch(remote):
    marker = uuid.uuid4().hex
    good = {"event": "x.ok", "resource": {"prefect.resource.id": f"good.{marker}"}}
    bad = {"event": "x.bad", "resource": {"name": "no id"}}
    reply = httpx.post(f"{remote.api}/events", json=[good, bad])
    assert reply.status_code == 422
    assert "prefect.resource.id" in reply.json()["message"]
    assert get_store().events.read_events(EventQuery(resource_ids=[f"good.{marker}"])) == []
    assert httpx.post(f"{remote.api}/events", content=b"{nope").status_code == 422


def test_a_webhook_turns_http_calls_into_events(remote):
    from headrace.events.webhooks import create_webhook

    template = json.dumps(
        {
            "event": "github.{{ headers['x-github-event'] }}",
            "resource": {"prefect.resource.id": "github.repo.{{ json.repository }}"},
            "payload": {"ref": "{{ json.ref }}", "method": "{{ method }}"},
        }
    )
    hook = create_webhook("github", template)
    url = f"{remote.url}/api/hooks/{hook['slug']}"
    body = {"repository": f"acme-{hook['slug'][:6]}", "ref": "main"}
    reply = httpx.post(url, json=body, headers={"X-GitHub-Event": "push"})
    assert reply.status_code == 204, reply.text
    [row] = get_store().events.read_events(
        EventQuery(resource_ids=[f"github.repo.acme-{hook['slug'][:6]}"])
    )
    assert row["event"] == "github.push"
    assert row["payload"] == {"ref": "main", "method": "POST"}
    # a call the template cannot render says why; an unknown slug is a plain 404
    assert httpx.post(url, content=b"not json").status_code == 400
    assert httpx.post(f"{remote.url}/api/hooks/nope").status_code == 404


def test_a_webhook_with_a_broken_template_is_refused_at_creation(remote):
    from headrace.events.webhooks import create_webhook

    try:
        create_webhook("broken", '{"event": "{{ oops"}')
    except ValueError as exc:
        assert "invalid template" in str(exc)
    else:
        raise AssertionError("a broken template was accepted")


def test_events_stream_follows_new_events(isolated_home, tmp_path):
    marker = uuid.uuid4().hex
    env = {"HEADRACE_HOME": str(isolated_home), "PYTHONUNBUFFERED": "1"}
    import os

    stream = subprocess.Popen(
        [sys.executable, "-m", "headrace", "events", "stream", "--follow", "--json",
         "--interval", "0.1", "--event", f"follow.{marker}.*"],
        env={**os.environ, **env}, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    done = threading.Event()

    def keep_emitting() -> None:
        # the stream starts at "now": emit until it has shown two events (or 30 s pass)
        deadline = time.monotonic() + 30
        while not done.is_set() and time.monotonic() < deadline:
            emit_event(f"follow.{marker}.tick", {"prefect.resource.id": "n"})
            get_store().flush()
            done.wait(0.1)
        stream.kill()  # unblocks the reader if the stream never showed them

    emitter = threading.Thread(target=keep_emitting)
    emitter.start()
    try:
        seen = [json.loads(stream.stdout.readline() or "null") for _ in range(2)]
    finally:
        done.set()
        emitter.join()
        stream.kill()
        stream.wait()
    assert all(e and e["event"] == f"follow.{marker}.tick" for e in seen), seen
    assert len({e["id"] for e in seen}) == 2


def test_events_ls_json(isolated_home):
    emit_event("cli.listed", {"prefect.resource.id": "cli.1"}, payload={"n": 1})
    get_store().flush()
    import os

    out = subprocess.run(
        [sys.executable, "-m", "headrace", "events", "ls", "--json", "--event", "cli.*"],
        env={**os.environ, "HEADRACE_HOME": str(isolated_home)},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    [row] = json.loads(out)
    assert row["event"] == "cli.listed" and row["payload"] == {"n": 1}
