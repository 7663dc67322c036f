"""Several evaluator processes over one store: each event fires its action once, also
when the lease holder is killed and when no evaluator runs for a while."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import Endpoint, start_evaluator, wait_for  # noqa: E402

from headrace.automations import Automation  # noqa: E402
from headrace.blocks.webhook import Webhook  # noqa: E402
from headrace.events import CallWebhook, EventTrigger, emit_event  # noqa: E402
from headrace.store import get_store  # noqa: E402


def _holder_pid() -> int | None:
    rows = get_store().database.query("SELECT holder, expires FROM automation_evaluator")
    if not rows or not rows[0]["holder"]:
        return None
    return int(rows[0]["holder"].split(":")[1])


def _emit(start: int, stop: int) -> None:
    for n in range(start, stop):
        emit_event("order.placed", {"prefect.resource.id": f"order.{n}"}, payload={"n": n})
    get_store().flush()


def test_racing_evaluators_fire_each_event_once_across_a_kill_and_a_restart(isolated_home):
    endpoint = Endpoint()
    evaluators = []
    try:
        hook = Webhook(url=endpoint.url).save("orders")
        Automation(
            name="forward-orders",
            trigger=EventTrigger(expect={"order.placed"}),
            actions=[CallWebhook(block_document_id=hook, payload='{"n": {{ event.payload.n }}}')],
        ).create()
        evaluators = [start_evaluator(isolated_home) for _ in range(3)]
        _emit(0, 30)
        wait_for(lambda: len(endpoint.calls) >= 30, what="30 calls")
        # everything fired is also recorded done: kill the lease holder while it is idle
        firings = get_store().automations.firings
        automation_id = get_store().automations.list()[0]["id"]
        wait_for(lambda: all(f["status"] == "done" for f in firings(automation_id, 100)))
        leader = wait_for(_holder_pid, what="a lease holder")
        killed = next(p for p in evaluators if p.pid == leader)
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        _emit(30, 60)  # another evaluator takes over when the lease expires
        wait_for(lambda: len(endpoint.calls) >= 60, what="60 calls")
        # stop them all, emit while none runs, start one again: those fire, nothing earlier
        for process in evaluators:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
        _emit(60, 70)
        evaluators = [start_evaluator(isolated_home)]
        wait_for(lambda: len(endpoint.calls) >= 70, what="70 calls")
        wait_for(lambda: all(f["status"] == "done" for f in firings(automation_id, 200)))
        numbers = sorted(json.loads(call)["n"] for call in endpoint.calls)
        assert numbers == list(range(70))  # each once: nothing lost, nothing repeated
        assert get_store().automations.read(automation_id)["fired_count"] == 70
    finally:
        for process in evaluators:
            if process.poll() is None:
                process.kill()
                process.wait()
        endpoint.close()
