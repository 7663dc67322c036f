"""The automation evaluator: reads new events, runs triggers, carries out actions.

Any number of evaluators may run against one store (the server, `headrace serve`
processes, workers); one of them holds the evaluator lease at a time and does the work,
the others wait to take over when it stops renewing. Every step is committed with the
lease checked in the same transaction:

1. read the events stored after the cursor, in storage order;
2. feed them (and the clock) to the enabled automations' triggers;
3. commit, in one transaction, the new cursor, the triggers' state and one pending row
   per action of each firing: an event is evaluated once, also across a restart;
4. claim the pending actions, carry each out and record done, or failed with the error
   (also on the automation, for `headrace automation inspect` and the UI). A failing
   action never stops the evaluator.

If an evaluator dies while carrying out an action, the next lease holder runs that
action again (it cannot know whether it took effect): the only case where an action can
run twice. Actions only ever run in the lease holder.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from headrace.automations import _actions, _triggers
from headrace.run_records import new_run_id

logger = logging.getLogger("headrace.automations")

LEASE_NAME = "main"
#: seconds a lease lasts without renewal (another evaluator takes over after that)
LEASE_SECONDS = float(os.environ.get("HEADRACE_AUTOMATIONS_LEASE_SECONDS", "10"))
#: seconds between looks at the store for new events when idle
POLL_SECONDS = float(os.environ.get("HEADRACE_AUTOMATIONS_POLL_SECONDS", "0.1"))
_BATCH = 1000
#: how long an evaluator on PostgreSQL waits for a gap in the event numbers to fill
GAP_SECONDS = 2.0
#: events older than this many days are dropped once evaluated (0 keeps them for ever)
RETENTION_DAYS = float(os.environ.get("HEADRACE_EVENTS_RETENTION_DAYS", "7"))


def evaluator_enabled() -> bool:
    """`HEADRACE_AUTOMATIONS=0` keeps a server, serve process or worker from evaluating."""
    return os.environ.get("HEADRACE_AUTOMATIONS", "1").lower() not in ("0", "false", "no", "off")


class _Compiled:
    """An enabled automation as the evaluator holds it."""

    __slots__ = ("row", "trigger", "actions", "state", "clock", "dirty")

    def __init__(self, row: dict[str, Any], state: Any) -> None:
        from headrace.automations import Automation

        automation = Automation._from_row(row)  # type: ignore[arg-type]
        self.row = row
        self.trigger = automation.trigger
        self.actions = [
            action.model_dump(mode="json")
            for action in [*automation.actions_on_trigger, *automation.actions]
        ]
        self.state: dict[str, Any] = state if isinstance(state, dict) else {}
        self.clock = _triggers.has_clock(self.trigger)
        self.dirty = False


class Evaluator:
    """One evaluator (a thread); `run_once()` does one round, for tests and tools."""

    def __init__(self, store: Any = None, holder: str | None = None) -> None:
        self._store = store
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{new_run_id()[:8]}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lease_until = 0.0
        self._cursor = 0
        self._automations: list[_Compiled] | None = None
        self._version: Any = None
        self._last_retention = 0.0
        self._renewer: threading.Thread | None = None
        self._takeover = False
        self._gap: tuple[int, float] | None = None
        self.leader = False

    @property
    def store(self) -> Any:
        if self._store is None:
            from headrace.store import get_store

            self._store = get_store()
        return self._store

    # -- the thread ----------------------------------------------------------------------
    def start(self) -> Evaluator:
        self._thread = threading.Thread(target=self._loop, name="headrace-automations", daemon=True)
        self._thread.start()
        return self

    def wake(self) -> None:
        """Look for new events now (e.g. right after the server stored some)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._renewer is not None:
            self._renewer.join(timeout)
            self._renewer = None
        if self.leader:
            try:
                self.store.automations.release_lease(LEASE_NAME, self.holder)
            except Exception:
                pass
            self.leader = False

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception as exc:  # a broken store or automation never ends the loop
                logger.warning("automation evaluator: %s: %s", type(exc).__name__, exc)
                self._lose_lease()
                busy = False
            if not busy:
                wait = POLL_SECONDS if self.leader else min(LEASE_SECONDS / 4, 1.0)
                self._wake.wait(wait)
                self._wake.clear()

    # -- one round -----------------------------------------------------------------------
    def run_once(self) -> bool:
        """Evaluate what is new; True if there may be more to do right away."""
        if not self._hold_lease():
            return False
        automations = self._load()
        events = self._contiguous(self.store.events.events_after(self._cursor, _BATCH))
        now = time.time()
        firings: list[dict[str, Any]] = []
        for seq, event in events:
            for compiled in automations:
                if event["received"] < compiled.row["created"]:
                    continue  # it happened before the automation existed
                found = _triggers.feed(compiled.trigger, compiled.state, event, now)
                compiled.dirty = compiled.dirty or _touched(compiled.trigger, event)
                firings += [self._firing(compiled, f, f"{event['id']}:{f.key}") for f in found]
            self._cursor = seq
        for compiled in automations:
            if compiled.clock:
                found = _triggers.tick(compiled.trigger, compiled.state, now)
                if found or compiled.state:
                    compiled.dirty = True
                firings += [self._firing(compiled, f, f"t{f.at}:{f.key}") for f in found]
        states = {c.row["id"]: c.state for c in automations if c.dirty}
        if events or states or firings:
            from headrace.store.interface import LeaseLost

            try:
                self.store.automations.commit_evaluation(
                    LEASE_NAME, self.holder, self._cursor, states, firings
                )
            except LeaseLost:
                self._lose_lease()
                return False
            for compiled in automations:
                compiled.dirty = False
        self._carry_out()
        self._retention(now)
        return len(events) == _BATCH

    def _contiguous(self, events: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
        """On PostgreSQL, numbers are handed out when a row is inserted but rows become
        visible when their transaction commits, so a gap may be a row still to come: stop
        before a gap until it has stayed open for GAP_SECONDS (a rolled-back or conflicting
        insert leaves a gap for ever). SQLite writes one transaction at a time: no gaps."""
        if getattr(self.store.database, "dialect", "sqlite") == "sqlite":
            return events
        expected = self._cursor + 1
        for index, (seq, _) in enumerate(events):
            if seq != expected:
                now = time.monotonic()
                if self._gap is None or self._gap[0] != expected:
                    self._gap = (expected, now)
                if now - self._gap[1] < GAP_SECONDS:
                    return events[:index]
            expected = seq + 1
        self._gap = None
        return events

    def _firing(self, compiled: _Compiled, firing: _triggers.Firing, key: str) -> dict[str, Any]:
        logger.info("automation %r fired", compiled.row["name"])
        return {
            "id": f"{compiled.row['id']}:{key}",
            "automation_id": compiled.row["id"],
            "actions": compiled.actions,
            "event_id": None if firing.event is None else firing.event["id"],
            "context": {"event": firing.event},
        }

    def _carry_out(self) -> None:
        from headrace.events.actions import Action
        from headrace.store.interface import LeaseLost

        try:
            claimed = self.store.automations.claim_actions(
                LEASE_NAME, self.holder, 20, takeover=self._takeover
            )
            self._takeover = False
        except LeaseLost:
            self._lose_lease()
            return
        if not claimed:
            return
        from pydantic import TypeAdapter

        from headrace.events.actions import ActionTypes

        adapter: TypeAdapter[Action] = TypeAdapter(ActionTypes)
        for item in claimed:
            if not self.leader:
                return  # the lease went (a stalled process): the new holder runs the rest
            automation = self.store.automations.read(item["automation_id"])
            error = None
            if automation is None:
                error = "the automation was deleted before its action ran"
            else:
                try:
                    action = adapter.validate_python(item["action"])
                    done = _actions.run(self.store, action, automation, item["context"]["event"])
                    logger.info("automation %r: %s", automation["name"], done)
                except _actions.ActionFailed as exc:
                    error = str(exc)
                except Exception as exc:
                    error = f"{type(exc).__name__}: {exc}"
                if error:
                    logger.warning("automation %r: action failed: %s", automation["name"], error)
            self.store.automations.finish_action(item["id"], item["automation_id"], error)

    # -- lease and automations -----------------------------------------------------------
    def _hold_lease(self) -> bool:
        if self.leader:
            return True
        now = time.time()
        cursor = self.store.automations.take_lease(LEASE_NAME, self.holder, LEASE_SECONDS)
        if cursor is None:
            return False
        self._cursor = cursor
        self._automations = None  # the trigger states as the previous holder committed them
        self._takeover = True
        logger.info("automation evaluator %s holds the lease", self.holder)
        self.leader = True
        self._lease_until = now + LEASE_SECONDS
        if self._renewer is None or not self._renewer.is_alive():
            self._renewer = threading.Thread(
                target=self._renew, name="headrace-automations-lease", daemon=True
            )
            self._renewer.start()
        return True

    def _renew(self) -> None:
        """Renew the lease while this process lives, also while a slow action runs: the
        lease passes to another evaluator only when this one is gone (or stalled)."""
        while self.leader and not self._stop.wait(LEASE_SECONDS / 3):
            now = time.time()
            try:
                cursor = self.store.automations.take_lease(LEASE_NAME, self.holder, LEASE_SECONDS)
            except Exception as exc:  # a locked store: try again while the lease lasts
                logger.warning("automation evaluator: cannot renew the lease: %s", exc)
                if now >= self._lease_until - LEASE_SECONDS / 3:
                    self._lose_lease()
                    return
                continue
            if cursor is None:
                self._lose_lease()
                return
            self._lease_until = now + LEASE_SECONDS

    def _lose_lease(self) -> None:
        self.leader = False
        self._lease_until = 0.0
        self._automations = None

    def _load(self) -> list[_Compiled]:
        """The enabled automations, reloaded (with their committed state) when one changed."""
        view = self.store.automations.evaluator_view()
        version = [(row["id"], row["updated"]) for row, _ in view]
        if self._automations is None or version != self._version:
            current = {c.row["id"]: c for c in self._automations or []}
            compiled = []
            for row, state in view:
                old = current.get(row["id"])
                if old is not None and old.row["updated"] == row["updated"]:
                    compiled.append(old)
                    continue
                try:
                    compiled.append(_Compiled(dict(row), state))
                except Exception as exc:  # stored by a newer or older headrace
                    logger.warning("automation %r cannot be evaluated: %s", row["name"], exc)
            self._automations, self._version = compiled, version
        return self._automations

    def _retention(self, now: float) -> None:
        if RETENTION_DAYS <= 0 or now - self._last_retention < 3600:
            return
        self._last_retention = now
        self.store.events.delete_older_than(now - RETENTION_DAYS * 86400, self._cursor)


def _touched(trigger: Any, event: dict[str, Any]) -> bool:
    """Whether the event could have changed the trigger's state (cheap over-estimate)."""
    from headrace.events.schemas.automations import EventTrigger

    if isinstance(trigger, EventTrigger):
        names = trigger.expect | trigger.after
        return not names or any(_triggers.matches(n, event["event"]) for n in names)
    return any(_touched(child, event) for child in trigger.triggers)


def start_if_local(store: Any = None) -> Evaluator | None:
    """An evaluator thread for `headrace serve` and workers: only on a local (SQL) store,
    since with `HEADRACE_API_URL` the server evaluates; None when not started."""
    if not evaluator_enabled():
        return None
    from headrace.store import get_store
    from headrace.store.sql import SqlStore

    store = store or get_store()
    if not isinstance(store, SqlStore):
        return None
    return Evaluator(store).start()
