"""The recovery file for run records the store could not take.

One JSON line per batch, `{"batch": id, "writes": [[sql, params], ...]}`, appended and
fsync'd before the writer moves on, in a file next to the store that only its owner
can read: `<store>.spool-<pid>-<start ticks>-<writer>.jsonl`. Opening the store replays
the files no live writer is appending to (those of processes that are gone, and of
closed stores of this process), oldest first; each batch is written in one transaction
together with its id, so replaying a file twice writes it once.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from headrace.store.sql.schema import register_schema

# the ids of replayed spool batches, so that a batch is never written twice
register_schema(
    "spool", ["CREATE TABLE store_spool_batches (id TEXT PRIMARY KEY, written REAL NOT NULL)"]
)

SPOOL_INFIX = ".spool-"
SPOOL_SUFFIX = ".jsonl"
_BYTES = "$b64"

Write = tuple[str, tuple[Any, ...]]


def spool_path(database: str, process_key: str, writer: int) -> Path:
    pid, _, ticks = process_key.partition(":")
    return Path(f"{database}{SPOOL_INFIX}{pid}-{ticks or '0'}-{writer}{SPOOL_SUFFIX}")


def owner_key(path: Path) -> str:
    """The `pid:ticks` process key a spool file was written by."""
    middle = path.name.rsplit(SPOOL_INFIX, 1)[-1][: -len(SPOOL_SUFFIX)]
    pid, ticks, _ = (middle.split("-") + ["", ""])[:3]
    return f"{pid}:{ticks}"


def spool_files(database: str) -> list[Path]:
    """Every spool file of `database`, oldest first."""
    path = Path(database)
    prefix = path.name + SPOOL_INFIX
    try:
        found = [
            entry
            for entry in path.parent.iterdir()
            if entry.name.startswith(prefix) and entry.name.endswith(SPOOL_SUFFIX)
        ]
    except OSError:
        return []
    return sorted(found, key=lambda entry: entry.stat().st_mtime)


def _param(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    return value


def _unparam(value: Any) -> Any:
    if isinstance(value, dict) and value.keys() == {_BYTES}:
        return base64.b64decode(value[_BYTES])
    return value


def append(path: Path, batches: list[tuple[str, list[Write]]]) -> None:
    """Append batches and fsync: when this returns, they survive a crash or power loss."""
    lines = "".join(
        json.dumps(
            {"batch": batch_id, "writes": [[sql, [_param(p) for p in ps]] for sql, ps in writes]},
            separators=(",", ":"),
        )
        + "\n"
        for batch_id, writes in batches
    ).encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        size = os.fstat(fd).st_size
        try:
            view = memoryview(lines)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except OSError:
            # a partial line would run into the next append: cut the file back
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
            raise
    finally:
        os.close(fd)


def read(path: Path) -> Iterator[tuple[str, list[Write]]]:
    """The batches in a spool file; a torn last line (a crash mid-append) is skipped."""
    with open(path, "rb") as file:
        for line in file:
            try:
                data = json.loads(line)
                batch_id, writes = data["batch"], data["writes"]
            except (ValueError, KeyError, TypeError):
                continue
            yield batch_id, [(sql, tuple(_unparam(p) for p in ps)) for sql, ps in writes]
