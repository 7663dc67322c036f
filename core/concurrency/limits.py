"""Concurrency limits in the store, and the all-or-none acquire/release primitives.

A limit has `limit` slots. Slots are taken in two ways:

- a *lease* (the `concurrency` context manager, task tags): a row with an expiry that the
  holder renews while it runs, so the slots of a process killed with SIGKILL come back
  once the lease runs out;
- *decaying slots* (`rate_limit`, and leases released on a limit with
  `slot_decay_per_second`): a counter that drains at that rate.

Every acquisition is one atomic call on `store.concurrency`, so two processes (or two
machines sharing a server or PostgreSQL) can never both take the last free slot.
"""

from __future__ import annotations

from headrace.exceptions import ObjectNotFound
from headrace.store import get_store
from headrace.store.interface import Attempt, LimitRow, Store

TAG_PREFIX = "tag:"

Limit = LimitRow

# bumped on every change made by this process, so caches (tag limits) notice at once
_generation = 0


def generation() -> int:
    return _generation


def _changed() -> None:
    global _generation
    _generation += 1


def _check_values(limit: int, slot_decay_per_second: float) -> None:
    if limit < 0:
        raise ValueError(f"a limit needs 0 or more slots, got {limit}")
    if slot_decay_per_second < 0:
        raise ValueError("slot_decay_per_second must be >= 0")


# -- management ---------------------------------------------------------------------------
def create_limit(
    name: str,
    limit: int,
    slot_decay_per_second: float = 0.0,
    active: bool = True,
    overwrite: bool = False,
    store: Store | None = None,
) -> Limit:
    """Create (or with `overwrite`, replace the settings of) a limit."""
    _check_values(limit, slot_decay_per_second)
    created = (store or get_store()).concurrency.create(
        name, limit, slot_decay_per_second, active, overwrite
    )
    _changed()
    return created


def update_limit(
    name: str,
    limit: int | None = None,
    slot_decay_per_second: float | None = None,
    active: bool | None = None,
    store: Store | None = None,
) -> Limit:
    """Change some settings of an existing limit; held slots are kept."""
    store = store or get_store()
    current = read_limit(name, store)
    _check_values(
        current.limit if limit is None else limit,
        current.slot_decay_per_second if slot_decay_per_second is None else slot_decay_per_second,
    )
    updated = store.concurrency.update(name, limit, slot_decay_per_second, active)
    _changed()
    return updated


def delete_limit(name: str, store: Store | None = None) -> None:
    (store or get_store()).concurrency.delete(name)
    _changed()


def reset_limit(name: str, store: Store | None = None) -> None:
    """Free every slot of a limit (leases and decaying slots)."""
    (store or get_store()).concurrency.reset(name)
    _changed()


def read_limit(name: str, store: Store | None = None) -> Limit:
    limits = list_limits(store, name=name)
    if not limits:
        raise ObjectNotFound(f"concurrency limit {name!r} not found")
    return limits[0]


def list_limits(store: Store | None = None, name: str | None = None) -> list[Limit]:
    """Limits by name with live occupancy (expired leases are not counted)."""
    return (store or get_store()).concurrency.list(name)


def limited_names(store: Store | None = None) -> dict[str, int]:
    """Active limits by name -> slots (one query; cached by callers on the hot path)."""
    return (store or get_store()).concurrency.active_limits()


# -- acquisition --------------------------------------------------------------------------
def try_acquire(
    names: list[str],
    slots: int,
    lease_id: str | None,
    holder: str,
    lease_seconds: float,
    strict: bool = False,
    store: Store | None = None,
) -> Attempt:
    """Take `slots` on every active limit in `names`, all or none, without waiting.

    With `lease_id`, the slots are a lease (released by `release`); without, they are
    decaying slots (a rate limit), which needs `slot_decay_per_second > 0`. With `strict`,
    a name without a limit is an error (and nothing is taken).
    """
    return (store or get_store()).concurrency.try_acquire(
        names, slots, lease_id, holder, lease_seconds, strict
    )


def release(lease_id: str, store: Store | None = None) -> None:
    """Give a lease's slots back; on a decaying limit they drain at its rate instead."""
    (store or get_store()).concurrency.release(lease_id)


def renew(lease_ids: list[str], lease_seconds: float, store: Store | None = None) -> list[str]:
    """Push the expiry of held leases forward; returns the ids no longer in the store
    (expired and taken over while their holder was stalled, or reset)."""
    return (store or get_store()).concurrency.renew(lease_ids, lease_seconds)


__all__ = [
    "TAG_PREFIX",
    "Attempt",
    "Limit",
    "create_limit",
    "delete_limit",
    "generation",
    "limited_names",
    "list_limits",
    "read_limit",
    "release",
    "renew",
    "reset_limit",
    "try_acquire",
    "update_limit",
]
