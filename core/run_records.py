"""In-memory run records: what the engine mutates while a flow or task runs.

They are plain slotted objects; the store receives rows built from them through the
background writer, so creating one costs microseconds.
"""

from __future__ import annotations

import datetime as _dt
import os
import random
import time
from typing import Any

from headrace.states import State

# a generator of our own: ids must not consume (or depend on) the stream a user seeds
# with `random.seed()`; reseeded in a forked child so parent and child never share ids
_random = random.Random()
os.register_at_fork(after_in_child=_random.seed)
_getrandbits = _random.getrandbits
_time_ns = time.time_ns
#: the random bits a version 7 UUID keeps: 12 above the variant, 62 below it
_RANDOM_MASK = 0xFFF << 64 | (1 << 62) - 1


def _format_uuid(bits: int) -> str:
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def new_run_id() -> str:
    """A random UUID (version 4 layout) from the `random` module: run ids are not
    secrets, `uuid.uuid4()` costs a system call per run, and importing `uuid` costs
    a cold start several milliseconds. Flow runs, deployments and leases use these:
    people type their first characters (`headrace runs show 3f2a`)."""
    bits = _getrandbits(128)
    # set the version (4) and the RFC 4122 variant bits
    bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
    return _format_uuid(bits)


def new_task_run_id() -> str:
    """A time-ordered UUID (version 7 layout, RFC 9562) for a task run: milliseconds
    since the epoch, then random bits.

    Task runs are written by the tens of thousands; the store's keys and indexes are
    B-trees, and ids that grow with time append at their right edge instead of landing
    on random pages, so writing a task run stays cheap however large the history grows.
    """
    # 48 bits of milliseconds, version 7, 12 random bits, variant 0b10, 62 random bits
    return _format_uuid(
        (_time_ns() // 1_000_000) << 80 | 0x7 << 76 | _getrandbits(76) & _RANDOM_MASK | 0b10 << 62
    )


def _utc(ts: float | None) -> _dt.datetime | None:
    return None if ts is None else _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc)


class FlowRun:
    """One execution of a flow."""

    __slots__ = (
        "id",
        "name",
        "flow_name",
        "flow_version",
        "parameters",
        "tags",
        "state",
        "run_count",
        "start_ts",
        "end_ts",
        "parent_flow_run_id",
        "parent_task_run_id",
        "deployment_id",
        "scheduled_ts",
        "pid",
    )

    def __init__(
        self,
        flow_name: str,
        parameters: dict[str, Any],
        tags: frozenset[str] | set[str] = frozenset(),
        name: str | None = None,
        parent_flow_run_id: str | None = None,
        parent_task_run_id: str | None = None,
        flow_version: str | None = None,
        deployment_id: str | None = None,
        run_id: str | None = None,
        scheduled_ts: float | None = None,
    ) -> None:
        self.id = run_id or new_run_id()
        self.name = name or ""
        self.flow_name = flow_name
        self.flow_version = flow_version
        self.parameters = parameters
        self.tags = set(tags)
        self.state: State | None = None
        self.run_count = 0
        self.start_ts: float | None = None
        self.end_ts: float | None = None
        self.parent_flow_run_id = parent_flow_run_id
        self.parent_task_run_id = parent_task_run_id
        self.deployment_id = deployment_id
        self.scheduled_ts = scheduled_ts
        self.pid = os.getpid()

    @property
    def start_time(self) -> _dt.datetime | None:
        return _utc(self.start_ts)

    @property
    def end_time(self) -> _dt.datetime | None:
        return _utc(self.end_ts)

    @property
    def scheduled_start_time(self) -> _dt.datetime | None:
        return _utc(self.scheduled_ts if self.scheduled_ts is not None else self.start_ts)

    @property
    def state_name(self) -> str | None:
        return self.state.name if self.state else None

    def __repr__(self) -> str:
        return f"FlowRun(id={self.id!r}, name={self.name!r}, flow_name={self.flow_name!r})"


class TaskRun:
    """One execution of a task (retries are attempts of the same task run)."""

    __slots__ = (
        "id",
        "name",
        "task_key",
        "task_name",
        "flow_run_id",
        "parameters",
        "tags",
        "state",
        "run_count",
        "start_ts",
        "end_ts",
        "cache_key",
        "dynamic_key",
    )

    def __init__(
        self,
        task_name: str,
        task_key: str,
        flow_run_id: str | None,
        parameters: dict[str, Any],
        tags: set[str],
        dynamic_key: str = "0",
    ) -> None:
        self.id = new_task_run_id()
        self.name = ""
        self.task_name = task_name
        self.task_key = task_key
        self.flow_run_id = flow_run_id
        self.parameters = parameters
        self.tags = tags
        self.state: State | None = None
        self.run_count = 0
        self.start_ts: float | None = None
        self.end_ts: float | None = None
        self.cache_key: str | None = None
        self.dynamic_key = dynamic_key

    @property
    def start_time(self) -> _dt.datetime | None:
        return _utc(self.start_ts)

    @property
    def end_time(self) -> _dt.datetime | None:
        return _utc(self.end_ts)

    @property
    def state_name(self) -> str | None:
        return self.state.name if self.state else None

    def __repr__(self) -> str:
        return f"TaskRun(id={self.id!r}, name={self.name!r})"
