"""Trigger evaluation: each trigger is a small state machine over events and time.

The state is plain JSON (kept in the store with the evaluator's cursor, so a restart
resumes where the last committed batch ended). `feed` handles one event, `tick` the
passing of time (Proactive windows ending); both return the firings: the event that
completed the trigger (None when time did) and the bucket it fired for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headrace.events.schemas.automations import (
    CompoundTrigger,
    EventTrigger,
    Posture,
    SequenceTrigger,
)
from headrace.events.schemas.events import matches

__all__ = ["Firing", "feed", "has_clock", "matches", "tick"]
from headrace.store.interface import EventRow

State = dict[str, Any]


@dataclass
class Firing:
    key: str
    event: EventRow | None
    at: float


def _any_pattern(patterns: set[str], name: str) -> bool:
    return any(matches(pattern, name) for pattern in patterns)


def _spec_matches(spec: Any, labels: dict[str, str]) -> bool:
    for label, expected in spec.root.items():
        patterns = [expected] if isinstance(expected, str) else expected
        value = labels.get(label)
        if not any(matches(pattern, value) for pattern in patterns):
            return False
    return True


def resource_matches(trigger: EventTrigger, event: EventRow) -> bool:
    """Whether the event's resource matches `match` and its related ones `match_related`."""
    if trigger.match.root and not _spec_matches(trigger.match, event["resource"]):
        return False
    for spec in trigger.related_specs():
        if spec.root and not any(_spec_matches(spec, r) for r in event["related"]):
            return False
    return True


def _label(event: EventRow, label: str) -> str:
    if label.startswith("related:"):
        _, role, inner = label.split(":", 2)
        for related in event["related"]:
            if related.get("prefect.resource.role") == role:
                return related.get(inner, "")
        return ""
    return event["resource"].get(label, "")


def bucket_key(trigger: EventTrigger, event: EventRow) -> str:
    return "\x1f".join(_label(event, label) for label in sorted(trigger.for_each))


# -- event triggers -----------------------------------------------------------------------
def _feed_event(trigger: EventTrigger, state: State, event: EventRow, now: float) -> list[Firing]:
    name = event["event"]
    is_after = bool(trigger.after) and _any_pattern(trigger.after, name)
    is_expected = not trigger.expect or _any_pattern(trigger.expect, name)
    if not (is_after or is_expected) or not resource_matches(trigger, event):
        return []
    buckets = state.setdefault("buckets", {})
    key = bucket_key(trigger, event)
    within = trigger.within.total_seconds()
    when = event["occurred"]
    bucket = buckets.get(key)
    if trigger.posture == Posture.Reactive:
        if is_after and (not is_expected or bucket is None):
            buckets[key] = {"count": 0, "start": when}
            return []
        if trigger.after and bucket is None:
            return []  # not armed: the `after` event has not been seen
        if bucket is None or (within and bucket["count"] and when - bucket["start"] > within):
            bucket = buckets[key] = {"count": 0, "start": when}
        if bucket["count"] == 0:
            bucket["start"] = when
        bucket["count"] += 1
        if bucket["count"] < trigger.threshold:
            return []
        del buckets[key]
        return [Firing(key, event, now)]
    # Proactive: a window opens (at `after`, or at the first sighting of a key) and fires
    # if fewer than `threshold` expected events arrived when it closes
    if is_after and (not is_expected or bucket is None):
        buckets[key] = {"count": 0, "start": now, "event": event}
        return []
    if bucket is None:
        if trigger.after:
            return []
        bucket = buckets[key] = {"count": 0, "start": now, "event": None}
    bucket["count"] += 1
    if bucket["count"] >= trigger.threshold:
        if trigger.after:
            del buckets[key]
        else:
            buckets[key] = {"count": 0, "start": now, "event": None}
    return []


def _tick_event(trigger: EventTrigger, state: State, now: float) -> list[Firing]:
    if trigger.posture != Posture.Proactive:
        return []
    within = trigger.within.total_seconds()
    buckets = state.setdefault("buckets", {})
    if not trigger.after and not trigger.for_each and "" not in buckets:
        buckets[""] = {"count": 0, "start": now, "event": None}
    fired = []
    for key, bucket in list(buckets.items()):
        if now - bucket["start"] < within:
            continue
        if bucket["count"] < trigger.threshold:
            fired.append(Firing(key, bucket.get("event"), now))
        if trigger.after:
            del buckets[key]
        else:
            buckets[key] = {"count": 0, "start": now, "event": None}
    return fired


# -- composite triggers -------------------------------------------------------------------
def _children(state: State, count: int) -> list[State]:
    children = state.get("children")
    if not isinstance(children, list) or len(children) != count:
        children = state["children"] = [{} for _ in range(count)]
    return children


def _composite(
    trigger: Any, state: State, child_firings: list[list[Firing]], now: float
) -> list[Firing]:
    """Record which children fired; fire when the compound/sequence is complete."""
    seen: list[list[Any]] = state.setdefault("seen", [])  # [child index, time, event]
    within = trigger.within.total_seconds() if trigger.within else None
    fired: list[Firing] = []
    for index, firings in enumerate(child_firings):
        for firing in firings:
            if within is not None:
                seen[:] = [s for s in seen if firing.at - s[1] <= within]
            if isinstance(trigger, SequenceTrigger):
                expected = len(seen)
                if index == 0:
                    seen[:] = [[0, firing.at, firing.event]]
                elif index == expected and [s[0] for s in seen] == list(range(expected)):
                    seen.append([index, firing.at, firing.event])
                else:
                    continue
                done = len(seen) == len(trigger.triggers)
            else:
                seen[:] = [s for s in seen if s[0] != index]
                seen.append([index, firing.at, firing.event])
                done = len(seen) >= trigger.required()
            if done:
                fired.append(Firing("", firing.event, firing.at))
                seen.clear()
    return fired


# -- entry points -------------------------------------------------------------------------
def feed(trigger: Any, state: State, event: EventRow, now: float) -> list[Firing]:
    """The firings one event causes (state updated in place)."""
    if isinstance(trigger, EventTrigger):
        return _feed_event(trigger, state, event, now)
    children = _children(state, len(trigger.triggers))
    child_firings = [
        feed(child, children[i], event, now) for i, child in enumerate(trigger.triggers)
    ]
    return _composite(trigger, state, child_firings, now)


def tick(trigger: Any, state: State, now: float) -> list[Firing]:
    """The firings the passing of time causes (Proactive windows that closed)."""
    if isinstance(trigger, EventTrigger):
        return _tick_event(trigger, state, now)
    children = _children(state, len(trigger.triggers))
    child_firings = [tick(child, children[i], now) for i, child in enumerate(trigger.triggers)]
    if not any(child_firings):
        return []
    return _composite(trigger, state, child_firings, now)


def has_clock(trigger: Any) -> bool:
    """Whether time alone can make this trigger fire (a Proactive part)."""
    if isinstance(trigger, EventTrigger):
        return trigger.posture == Posture.Proactive
    if isinstance(trigger, (CompoundTrigger, SequenceTrigger)):
        return any(has_clock(child) for child in trigger.triggers)
    return False
