"""Concurrency limits in the store, and the one-transaction acquire/release primitives.

A limit has `limit` slots. Slots are taken in two ways:

- a *lease* (the `concurrency` context manager, task tags): a row with an expiry that the
  holder renews while it runs, so the slots of a process killed with SIGKILL come back
  once the lease runs out;
- *decaying slots* (`rate_limit`, and leases released on a limit with
  `slot_decay_per_second`): a counter that drains at that rate.

Every acquisition runs in one `BEGIN IMMEDIATE` transaction: SQLite's write lock is the
cross-process mutex, so two processes can never both see the last free slot.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from headrace.concurrency.errors import ConcurrencySlotAcquisitionError
from headrace.exceptions import ObjectAlreadyExists, ObjectNotFound
from headrace.store import Store, get_store, register_schema

TAG_PREFIX = "tag:"

_SCHEMA_V1 = """
CREATE TABLE concurrency_limits (
    name TEXT PRIMARY KEY,
    slots INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    slot_decay_per_second REAL NOT NULL DEFAULT 0,
    decaying_slots REAL NOT NULL DEFAULT 0,
    decay_ts REAL NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE concurrency_leases (
    id TEXT NOT NULL,
    name TEXT NOT NULL REFERENCES concurrency_limits (name) ON DELETE CASCADE,
    slots INTEGER NOT NULL,
    holder TEXT,
    acquired REAL NOT NULL,
    expires REAL NOT NULL,
    PRIMARY KEY (id, name)
);
CREATE INDEX concurrency_leases_name ON concurrency_leases (name);
"""

register_schema("concurrency", [_SCHEMA_V1])

# bumped on every change made by this process, so caches (tag limits) notice at once
_generation = 0


def generation() -> int:
    return _generation


def _changed() -> None:
    global _generation
    _generation += 1


@dataclass(frozen=True)
class Limit:
    """A concurrency limit as stored, with its occupancy at the time it was read."""

    name: str
    limit: int
    active: bool
    slot_decay_per_second: float
    active_slots: int
    decaying_slots: float
    holders: tuple[str, ...]

    @property
    def tag(self) -> str | None:
        return self.name[len(TAG_PREFIX) :] if self.name.startswith(TAG_PREFIX) else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "limit": self.limit,
            "active": self.active,
            "slot_decay_per_second": self.slot_decay_per_second,
            "active_slots": self.active_slots,
            "decaying_slots": round(self.decaying_slots, 3),
            "holders": list(self.holders),
        }


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
    store = store or get_store()
    now = time.time()
    with store.transaction() as connection:
        exists = connection.execute(
            "SELECT 1 FROM concurrency_limits WHERE name = ?", (name,)
        ).fetchone()
        if exists and not overwrite:
            raise ObjectAlreadyExists(f"concurrency limit {name!r} already exists")
        connection.execute(
            "INSERT INTO concurrency_limits (name, slots, active, slot_decay_per_second,"
            " decay_ts, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET slots = excluded.slots,"
            " active = excluded.active, slot_decay_per_second = excluded.slot_decay_per_second,"
            " updated = excluded.updated",
            (name, limit, int(active), slot_decay_per_second, now, now, now),
        )
    _changed()
    return read_limit(name, store)


def update_limit(
    name: str,
    limit: int | None = None,
    slot_decay_per_second: float | None = None,
    active: bool | None = None,
    store: Store | None = None,
) -> Limit:
    """Change some settings of an existing limit; held slots are kept."""
    current = read_limit(name, store)
    new_limit = current.limit if limit is None else limit
    decay = (
        current.slot_decay_per_second if slot_decay_per_second is None else slot_decay_per_second
    )
    _check_values(new_limit, decay)
    store = store or get_store()
    store.execute(
        "UPDATE concurrency_limits SET slots = ?, slot_decay_per_second = ?, active = ?,"
        " updated = ? WHERE name = ?",
        (new_limit, decay, int(current.active if active is None else active), time.time(), name),
    )
    _changed()
    return read_limit(name, store)


def delete_limit(name: str, store: Store | None = None) -> None:
    store = store or get_store()
    if not store.execute("DELETE FROM concurrency_limits WHERE name = ?", (name,)):
        raise ObjectNotFound(f"concurrency limit {name!r} not found")
    _changed()


def reset_limit(name: str, store: Store | None = None) -> None:
    """Free every slot of a limit (leases and decaying slots)."""
    read_limit(name, store)
    store = store or get_store()
    with store.transaction() as connection:
        connection.execute("DELETE FROM concurrency_leases WHERE name = ?", (name,))
        connection.execute(
            "UPDATE concurrency_limits SET decaying_slots = 0, decay_ts = ? WHERE name = ?",
            (time.time(), name),
        )
    _changed()


def read_limit(name: str, store: Store | None = None) -> Limit:
    limits = list_limits(store, name=name)
    if not limits:
        raise ObjectNotFound(f"concurrency limit {name!r} not found")
    return limits[0]


def list_limits(store: Store | None = None, name: str | None = None) -> list[Limit]:
    """Limits by name with live occupancy (expired leases are not counted)."""
    store = store or get_store()
    now = time.time()
    sql = "SELECT * FROM concurrency_limits"
    params: tuple[Any, ...] = ()
    if name is not None:
        sql += " WHERE name = ?"
        params = (name,)
    rows = store.query(sql + " ORDER BY name", params)
    leases: dict[str, list[Any]] = {}
    for lease in store.query(
        "SELECT name, slots, holder FROM concurrency_leases WHERE expires > ?", (now,)
    ):
        leases.setdefault(lease["name"], []).append(lease)
    result = []
    for row in rows:
        held = leases.get(row["name"], [])
        result.append(
            Limit(
                name=row["name"],
                limit=row["slots"],
                active=bool(row["active"]),
                slot_decay_per_second=row["slot_decay_per_second"],
                active_slots=sum(lease["slots"] for lease in held),
                decaying_slots=_decayed(row, now),
                holders=tuple(lease["holder"] or "?" for lease in held),
            )
        )
    return result


def limited_names(store: Store | None = None) -> dict[str, int]:
    """Active limits by name -> slots (one query; cached by callers on the hot path)."""
    store = store or get_store()
    rows = store.query("SELECT name, slots FROM concurrency_limits WHERE active = 1")
    return {row["name"]: row["slots"] for row in rows}


# -- acquisition --------------------------------------------------------------------------
def _decayed(row: Any, now: float) -> float:
    rate = row["slot_decay_per_second"]
    value = row["decaying_slots"]
    if value <= 0:
        return 0.0
    if rate <= 0:
        return value
    return max(0.0, value - (now - row["decay_ts"]) * rate)


@dataclass
class Attempt:
    """The outcome of one try: acquired or not, which names have no limit, how long to wait."""

    acquired: bool
    missing: tuple[str, ...] = ()
    retry_after: float | None = None


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
    store = store or get_store()
    now = time.time()
    with store.transaction() as connection:
        found = {
            row["name"]: row
            for row in connection.execute(
                f"SELECT * FROM concurrency_limits WHERE name IN ({','.join('?' * len(names))})",
                names,
            )
        }
        missing = tuple(name for name in names if name not in found)
        if missing and strict:
            raise ConcurrencySlotAcquisitionError(
                f"concurrency limit(s) {', '.join(map(repr, missing))} do not exist "
                "(strict=True); create them first, e.g. `headrace gcl create NAME --limit N`"
            )
        enforced = [found[name] for name in names if name in found and found[name]["active"]]
        retry_after: float | None = None
        for row in enforced:
            name = row["name"]
            if lease_id is None and row["slot_decay_per_second"] <= 0:
                raise ConcurrencySlotAcquisitionError(
                    f"concurrency limit {name!r} has no slot decay; rate_limit needs a limit "
                    "created with slot_decay_per_second > 0"
                )
            if slots > row["slots"]:
                raise ConcurrencySlotAcquisitionError(
                    f"cannot occupy {slots} slot(s) of concurrency limit {name!r}, "
                    f"which has {row['slots']}"
                )
            connection.execute(
                "DELETE FROM concurrency_leases WHERE name = ? AND expires <= ?", (name, now)
            )
            (leased,) = connection.execute(
                "SELECT COALESCE(SUM(slots), 0) FROM concurrency_leases WHERE name = ?", (name,)
            ).fetchone()
            decaying = _decayed(row, now)
            shortfall = leased + decaying + slots - row["slots"]
            if shortfall > 1e-9:
                rate = row["slot_decay_per_second"]
                if rate > 0 and shortfall <= decaying + 1e-9:
                    wait = shortfall / rate
                    retry_after = wait if retry_after is None else max(retry_after, wait)
                return Attempt(False, missing, retry_after)
        for row in enforced:
            decaying = _decayed(row, now)
            if lease_id is None:
                decaying += slots
            else:
                connection.execute(
                    "INSERT INTO concurrency_leases (id, name, slots, holder, acquired, expires)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (lease_id, row["name"], slots, holder, now, now + lease_seconds),
                )
            connection.execute(
                "UPDATE concurrency_limits SET decaying_slots = ?, decay_ts = ? WHERE name = ?",
                (decaying, now, row["name"]),
            )
    return Attempt(True, missing)


def release(lease_id: str, store: Store | None = None) -> None:
    """Give a lease's slots back; on a decaying limit they drain at its rate instead.

    Slots held for a while count as already partly decayed, so a rate-limited operation
    that took longer than its share of the rate frees its slots at once.
    """
    store = store or get_store()
    now = time.time()
    with store.transaction() as connection:
        rows = connection.execute(
            "SELECT l.name, l.slots, l.acquired, c.slot_decay_per_second, c.decaying_slots,"
            " c.decay_ts FROM concurrency_leases l JOIN concurrency_limits c"
            " ON c.name = l.name WHERE l.id = ?",
            (lease_id,),
        ).fetchall()
        for row in rows:
            rate = row["slot_decay_per_second"]
            if rate > 0:
                left = max(0.0, row["slots"] - (now - row["acquired"]) * rate)
                connection.execute(
                    "UPDATE concurrency_limits SET decaying_slots = ?, decay_ts = ? WHERE name = ?",
                    (_decayed(row, now) + left, now, row["name"]),
                )
        connection.execute("DELETE FROM concurrency_leases WHERE id = ?", (lease_id,))


def renew(lease_ids: list[str], lease_seconds: float, store: Store | None = None) -> list[str]:
    """Push the expiry of held leases forward; returns the ids no longer in the store
    (expired and taken over while their holder was stalled, or reset)."""
    store = store or get_store()
    expires = time.time() + lease_seconds
    lost = []
    with store.transaction() as connection:
        for lease_id in lease_ids:
            changed = connection.execute(
                "UPDATE concurrency_leases SET expires = ? WHERE id = ?", (expires, lease_id)
            ).rowcount
            if not changed:
                lost.append(lease_id)
    return lost
