"""Checking a store file and saving what is readable from a damaged one.

Both work on the file directly, without opening it as the process's store (which would
migrate it and fail on the damage). `recover` writes a fresh file next to the old one,
copies every row it can read table by table (skipping past unreadable parts of a table
instead of giving up on it), and only then swaps the files: the damaged one is kept
beside the new one, renamed, so nothing is thrown away.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from headrace.store import _spool

SQLITE_HEADER = b"SQLite format 3\x00"
_MAX_MESSAGES = 20
_SIDE_FILES = ("-wal", "-shm")


@dataclass
class CheckReport:
    """What `check` found: `problems` is empty for a healthy store."""

    path: str
    problems: list[str] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    spools: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class TableReport:
    name: str
    saved: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class RecoverReport:
    """What `recover` saved: rows per table, what could not be read, where the files are."""

    path: str
    kept_as: str
    method: str
    tables: list[TableReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems and not any(table.errors for table in self.tables)


def _connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    uri = Path(path).resolve().as_uri() + ("?mode=ro" if readonly else "")
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5)
    return connection


def known_versions() -> dict[str, int]:
    """The schema version of each component this headrace knows."""
    from headrace.store.sql.schema import schema_versions

    return schema_versions()


def check(path: str | Path) -> CheckReport:
    """Header, `PRAGMA integrity_check`, schema versions, spool files waiting."""
    report = CheckReport(str(path))
    report.spools = [str(spool) for spool in _spool.spool_files(str(path))]
    try:
        with open(path, "rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        report.problems.append(f"cannot read the file: {exc.strerror or exc}")
        return report
    if header and header != SQLITE_HEADER:
        report.problems.append("not a SQLite database: the file header is damaged")
        return report
    try:
        connection = _connect(path)
    except sqlite3.Error as exc:
        report.problems.append(f"cannot open: {exc}")
        return report
    try:
        rows = connection.execute(f"PRAGMA integrity_check({_MAX_MESSAGES})").fetchall()
        messages = [row[0] for row in rows if row[0] != "ok"]
        report.problems.extend(messages)
        try:
            found = dict(connection.execute("SELECT component, version FROM schema_versions"))
        except sqlite3.Error as exc:
            if "no such table" not in str(exc):
                report.problems.append(f"cannot read schema versions: {exc}")
            found = {}
        report.versions = found
        known = known_versions()
        for name, version in sorted(found.items()):
            if name in known and version > known[name]:
                report.problems.append(
                    f"the {name!r} tables are at version {version}, newer than this headrace "
                    f"knows ({known[name]}); upgrade headrace"
                )
    except sqlite3.Error as exc:
        report.problems.append(str(exc))
    finally:
        connection.close()
    return report


def _side_files(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in _SIDE_FILES]


def _copy_table(source: sqlite3.Connection, target: sqlite3.Connection, table: TableReport) -> None:
    """Copy rows in rowid order; on an unreadable stretch, jump ahead until reads succeed."""
    quoted = '"' + table.name.replace('"', '""') + '"'
    try:
        columns = [row[1] for row in source.execute(f"PRAGMA table_info({quoted})")]
    except sqlite3.Error as exc:
        table.errors.append(f"cannot read the columns: {exc}")
        return
    if not columns:
        table.errors.append("the table's definition is unreadable")
        return
    names = ", ".join('"' + column.replace('"', '""') + '"' for column in columns)
    insert = f"INSERT INTO {quoted} (rowid, {names}) VALUES ({', '.join('?' * (len(columns) + 1))})"
    select = f"SELECT rowid, {names} FROM {quoted} WHERE rowid > ? ORDER BY rowid"
    try:
        highest = source.execute(f"SELECT max(rowid) FROM {quoted}").fetchone()[0]
    except sqlite3.Error:
        highest = None
    after = -(2**63)
    skip = 1
    while True:
        try:
            for row in source.execute(select, (after,)):
                target.execute(insert, row)
                table.saved += 1
                after = row[0]
                skip = 1
            return
        except sqlite3.DatabaseError as exc:
            message = str(exc)
            if not table.errors or table.errors[-1] != message:
                table.errors.append(message)
            if highest is not None and after >= highest:
                return
            if after == -(2**63):
                after = 0
            after += skip
            skip *= 2
            if skip > 2**40:
                return


def recover(path: str | Path, progress: Callable[[str], None] | None = None) -> RecoverReport:
    """Copy what is readable into a fresh file, keep the old one renamed beside it;
    `progress` is told each step (the copy of a large store takes a while)."""
    say = progress or (lambda step: None)
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    fresh = path.with_name(f"{path.name}.recovering-{os.getpid()}")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    for leftover in [fresh, *_side_files(fresh)]:
        leftover.unlink(missing_ok=True)
    report = RecoverReport(str(path), str(kept), method="row by row")
    source = _connect(path)
    try:
        try:
            say("copying the whole file (VACUUM INTO)")
            source.execute("VACUUM INTO ?", (str(fresh),))
            report.method = "VACUUM INTO"
        except sqlite3.Error as exc:
            report.problems.append(f"a whole copy failed ({exc}); copying row by row")
            fresh.unlink(missing_ok=True)
        if report.method == "VACUUM INTO":
            say("counting the rows saved")
            _count_rows(fresh, report)
            report.problems.clear()
        else:
            _copy_rows(source, fresh, report, say)
    finally:
        source.close()
    os.chmod(fresh, 0o600)
    for side in _side_files(path):
        if side.exists():
            side.rename(Path(f"{kept}{side.name[len(path.name) :]}"))
    path.rename(kept)
    fresh.rename(path)
    return report


def _count_rows(fresh: Path, report: RecoverReport) -> None:
    connection = _connect(fresh, readonly=True)
    try:
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        ).fetchall():
            quoted = '"' + name.replace('"', '""') + '"'
            count = connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
            report.tables.append(TableReport(name, saved=count))
    finally:
        connection.close()


def _copy_rows(
    source: sqlite3.Connection, fresh: Path, report: RecoverReport, say: Callable[[str], None]
) -> None:
    try:
        schema = source.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            " AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"the list of tables is unreadable ({exc}); nothing was saved")
        schema = []
    target = _connect(fresh)
    try:
        target.execute("PRAGMA journal_mode=WAL")
        target.execute("BEGIN")
        for kind, _name, sql in schema:
            if kind == "table":
                target.execute(sql)
        tables = [name for kind, name, _sql in schema if kind == "table"]
        for number, name in enumerate(tables, 1):
            say(f"copying table {name} row by row ({number} of {len(tables)})")
            table = TableReport(name)
            _copy_table(source, target, table)
            report.tables.append(table)
        for kind, name, sql in schema:
            if kind in ("index", "trigger", "view"):
                try:
                    target.execute(sql)
                except sqlite3.IntegrityError as exc:  # e.g. a unique index over damaged rows
                    report.problems.append(f"index {name} not rebuilt: {exc}")
        target.execute("COMMIT")
    finally:
        target.close()
