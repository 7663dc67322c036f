"""Concurrency limits in SQL: leases and decaying slots, taken all-or-none in one
transaction.

The transaction is the cross-process (and cross-machine) mutex: SQLite's `BEGIN
IMMEDIATE` write lock, or on PostgreSQL `SELECT ... FOR UPDATE` on the limit rows (in
name order, so two acquirers of overlapping limits cannot deadlock).
"""

from __future__ import annotations

import time
from typing import Any

from headrace.exceptions import (
    ConcurrencySlotAcquisitionError,
    ObjectAlreadyExists,
    ObjectNotFound,
)
from headrace.store.interface import Attempt, LimitRow

_LIMIT_COLUMNS = "name, slots, active, slot_decay_per_second, decaying_slots, decay_ts"


def _decayed(row: Any, now: float) -> float:
    rate = row["slot_decay_per_second"]
    value = row["decaying_slots"]
    if value <= 0:
        return 0.0
    if rate <= 0:
        return value
    return max(0.0, value - (now - row["decay_ts"]) * rate)


class SqlConcurrency:
    """`ConcurrencyRepository` over a SQL database."""

    def __init__(self, database: Any) -> None:
        self._db = database

    def create(
        self, name: str, limit: int, slot_decay_per_second: float, active: bool, overwrite: bool
    ) -> LimitRow:
        now = time.time()
        sql = (
            "INSERT INTO concurrency_limits (name, slots, active, slot_decay_per_second,"
            " decay_ts, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO "
        )
        if overwrite:
            sql += (
                "UPDATE SET slots = excluded.slots, active = excluded.active,"
                " slot_decay_per_second = excluded.slot_decay_per_second,"
                " updated = excluded.updated"
            )
        else:
            sql += "NOTHING"
        params = (name, int(limit), int(active), float(slot_decay_per_second), now, now, now)
        if not self._db.execute(sql, params):
            raise ObjectAlreadyExists(f"concurrency limit {name!r} already exists")
        return self._read(name)

    def update(
        self,
        name: str,
        limit: int | None = None,
        slot_decay_per_second: float | None = None,
        active: bool | None = None,
    ) -> LimitRow:
        sets, params = ["updated = ?"], [time.time()]
        for column, value in (
            ("slots", None if limit is None else int(limit)),
            ("slot_decay_per_second", slot_decay_per_second),
            ("active", None if active is None else int(active)),
        ):
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(value)
        sql = f"UPDATE concurrency_limits SET {', '.join(sets)} WHERE name = ?"
        if not self._db.execute(sql, (*params, name)):
            raise ObjectNotFound(f"concurrency limit {name!r} not found")
        return self._read(name)

    def delete(self, name: str) -> None:
        if not self._db.execute("DELETE FROM concurrency_limits WHERE name = ?", (name,)):
            raise ObjectNotFound(f"concurrency limit {name!r} not found")

    def reset(self, name: str) -> None:
        with self._db.transaction() as tx:
            if not tx.execute(
                "UPDATE concurrency_limits SET decaying_slots = 0, decay_ts = ? WHERE name = ?",
                (time.time(), name),
            ):
                raise ObjectNotFound(f"concurrency limit {name!r} not found")
            tx.execute("DELETE FROM concurrency_leases WHERE name = ?", (name,))

    def _read(self, name: str) -> LimitRow:
        found = self.list(name)
        if not found:
            raise ObjectNotFound(f"concurrency limit {name!r} not found")
        return found[0]

    def list(self, name: str | None = None) -> list[LimitRow]:
        now = time.time()
        sql = f"SELECT {_LIMIT_COLUMNS} FROM concurrency_limits"
        lease_sql = "SELECT name, slots, holder FROM concurrency_leases WHERE expires > ?"
        params: tuple[Any, ...] = ()
        if name is not None:
            sql += " WHERE name = ?"
            lease_sql += " AND name = ?"
            params = (name,)
        rows = self._db.query(sql + " ORDER BY name", params)
        leases: dict[str, list[Any]] = {}
        for lease in self._db.query(lease_sql, (now, *params)):
            leases.setdefault(lease["name"], []).append(lease)
        result = []
        for row in rows:
            held = leases.get(row["name"], [])
            result.append(
                LimitRow(
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

    def active_limits(self) -> dict[str, int]:
        rows = self._db.query("SELECT name, slots FROM concurrency_limits WHERE active = 1")
        return {row["name"]: row["slots"] for row in rows}

    def try_acquire(
        self,
        names: list[str],
        slots: int,
        lease_id: str | None,
        holder: str,
        lease_seconds: float,
        strict: bool = False,
    ) -> Attempt:
        if not names:
            return Attempt(True)
        now = time.time()
        marks = ",".join("?" * len(names))
        with self._db.transaction() as tx:
            found = {
                row["name"]: row
                for row in tx.query(
                    f"SELECT {_LIMIT_COLUMNS} FROM concurrency_limits WHERE name IN ({marks})"
                    f" ORDER BY name{self._db.for_update}",
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
                tx.execute(
                    "DELETE FROM concurrency_leases WHERE name = ? AND expires <= ?", (name, now)
                )
                leased = tx.query(
                    "SELECT COALESCE(SUM(slots), 0) AS n FROM concurrency_leases WHERE name = ?",
                    (name,),
                )[0]["n"]
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
                    tx.execute(
                        "INSERT INTO concurrency_leases (id, name, slots, holder, acquired,"
                        " expires) VALUES (?, ?, ?, ?, ?, ?)",
                        (lease_id, row["name"], slots, holder, now, now + lease_seconds),
                    )
                tx.execute(
                    "UPDATE concurrency_limits SET decaying_slots = ?, decay_ts = ? WHERE name = ?",
                    (decaying, now, row["name"]),
                )
        return Attempt(True, missing)

    def release(self, lease_id: str) -> None:
        # slots held for a while count as partly decayed already, so a rate-limited
        # operation that took longer than its share of the rate frees its slots at once
        now = time.time()
        with self._db.transaction() as tx:
            rows = tx.query(
                "SELECT l.name, l.slots, l.acquired, c.slot_decay_per_second, c.decaying_slots,"
                " c.decay_ts FROM concurrency_leases l JOIN concurrency_limits c"
                f" ON c.name = l.name WHERE l.id = ? ORDER BY l.name{self._db.for_update}",
                (lease_id,),
            )
            for row in rows:
                rate = row["slot_decay_per_second"]
                if rate > 0:
                    left = max(0.0, row["slots"] - (now - row["acquired"]) * rate)
                    tx.execute(
                        "UPDATE concurrency_limits SET decaying_slots = ?, decay_ts = ?"
                        " WHERE name = ?",
                        (_decayed(row, now) + left, now, row["name"]),
                    )
            tx.execute("DELETE FROM concurrency_leases WHERE id = ?", (lease_id,))

    def renew(self, lease_ids: list[str], lease_seconds: float) -> list[str]:
        expires = time.time() + lease_seconds
        lost = []
        with self._db.transaction() as tx:
            for lease_id in lease_ids:
                if not tx.execute(
                    "UPDATE concurrency_leases SET expires = ? WHERE id = ?", (expires, lease_id)
                ):
                    lost.append(lease_id)
        return lost
