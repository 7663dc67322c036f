"""Global concurrency and rate limits against the real store, across threads and processes."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from ops_support import HERE, PYTHON, subprocess_env

from headrace.concurrency import (
    AcquireConcurrencySlotTimeoutError,
    ConcurrencySlotAcquisitionError,
    limits,
)
from headrace.concurrency import asyncio as aconc
from headrace.concurrency.sync import concurrency, rate_limit
from headrace.exceptions import ObjectAlreadyExists, ObjectNotFound


def max_overlap(spans: list[tuple[float, float]]) -> int:
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    current = peak = 0
    for _, step in events:  # at equal times an exit (-1) sorts before an entry (+1)
        current += step
        peak = max(peak, current)
    return peak


def test_four_processes_of_eight_threads_never_exceed_the_limit(headrace_home: Path) -> None:
    limits.create_limit("shared", 3)
    outputs = [headrace_home.parent / f"spans-{i}.json" for i in range(4)]
    procs = [
        subprocess.Popen(
            [PYTHON, str(HERE / "_contend.py"), "shared", "8", "4", str(out)],
            env=subprocess_env(headrace_home),
        )
        for out in outputs
    ]
    for proc in procs:
        assert proc.wait(timeout=60) == 0
    spans = [tuple(span) for out in outputs for span in json.loads(out.read_text())]
    assert len(spans) == 4 * 8 * 4
    assert max_overlap(spans) == 3  # the limit was reached and never exceeded
    assert limits.read_limit("shared").active_slots == 0


def test_threads_in_one_process_respect_the_limit() -> None:
    limits.create_limit("local", 2)
    spans: list[tuple[float, float]] = []

    def work() -> None:
        for _ in range(5):
            with concurrency("local"):
                start = time.monotonic()
                time.sleep(0.002)
                spans.append((start, time.monotonic()))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(spans) == 30
    assert max_overlap(spans) <= 2


def test_slots_of_a_killed_holder_come_back_after_the_lease(headrace_home: Path) -> None:
    limits.create_limit("solo", 1)
    env = {**subprocess_env(headrace_home), "HEADRACE_CONCURRENCY_LEASE_SECONDS": "1"}
    holder = subprocess.Popen(
        [PYTHON, str(HERE / "_hold.py"), "solo"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        # a live holder renews its 1 s lease: the slot stays taken well past one lease
        with (
            pytest.raises(AcquireConcurrencySlotTimeoutError),
            concurrency("solo", timeout_seconds=2.5),
        ):
            pass
        assert limits.read_limit("solo").active_slots == 1
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        started = time.monotonic()
        with concurrency("solo", timeout_seconds=5):
            waited = time.monotonic() - started
        assert waited < 3.0  # one lease, plus slack for a loaded machine
    finally:
        holder.kill()
        holder.wait()


def test_timeout_is_a_timeout_error() -> None:
    limits.create_limit("busy", 1)
    with concurrency("busy"):
        started = time.monotonic()
        with (
            pytest.raises(TimeoutError, match="timed out after 0.2"),
            concurrency("busy", timeout_seconds=0.2),
        ):
            pass
        assert time.monotonic() - started < 3.0
    with concurrency("busy", timeout_seconds=0.2):  # free again
        pass


def test_missing_limit_warns_once_and_strict_raises(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="headrace.concurrency"):
        for _ in range(3):
            with concurrency("never-created-limit"):
                pass
    warnings = [r for r in caplog.records if "never-created-limit" in r.getMessage()]
    assert len(warnings) == 1
    with (
        pytest.raises(ConcurrencySlotAcquisitionError, match="do not exist"),
        concurrency("never-created-either", strict=True),
    ):
        pass


def test_strict_missing_name_does_not_keep_slots_of_the_others() -> None:
    limits.create_limit("real", 1)
    with (
        pytest.raises(ConcurrencySlotAcquisitionError),
        concurrency(["real", "ghost"], strict=True),
    ):
        pass
    assert limits.read_limit("real").active_slots == 0


def test_occupying_more_than_the_limit_is_an_error() -> None:
    limits.create_limit("small", 2)
    with (
        pytest.raises(ConcurrencySlotAcquisitionError, match="which has 2"),
        concurrency("small", occupy=3),
    ):
        pass


def test_inactive_limit_is_not_enforced() -> None:
    limits.create_limit("off", 1, active=False)
    with concurrency("off"), concurrency("off", timeout_seconds=0.1):
        pass


def test_several_names_are_taken_all_or_nothing() -> None:
    limits.create_limit("a", 1)
    limits.create_limit("b", 1)
    with concurrency("b"):
        with pytest.raises(TimeoutError), concurrency(["a", "b"], timeout_seconds=0.1):
            pass
        assert limits.read_limit("a").active_slots == 0
    with concurrency(["a", "b"]):
        assert [lim.active_slots for lim in limits.list_limits()] == [1, 1]


def test_rate_limit_paces_callers() -> None:
    limits.create_limit("api", 2, slot_decay_per_second=20)
    started = time.monotonic()
    for _ in range(6):
        rate_limit("api")
    elapsed = time.monotonic() - started
    # two immediately, then one every 1/20 s: at least 4 / 20 = 0.2 s
    assert 0.18 <= elapsed < 5.0


def test_rate_limit_needs_slot_decay() -> None:
    limits.create_limit("plain", 2)
    with pytest.raises(ConcurrencySlotAcquisitionError, match="slot_decay_per_second"):
        rate_limit("plain")


def test_concurrency_on_a_decaying_limit_releases_through_decay() -> None:
    limits.create_limit("decaying", 1, slot_decay_per_second=5)
    started = time.monotonic()
    with concurrency("decaying"):
        pass
    assert limits.read_limit("decaying").active_slots == 0  # the lease is gone...
    with concurrency("decaying", timeout_seconds=5):
        # ...but the slot drains 1/5 s after it was taken, however short the first block was
        assert time.monotonic() - started >= 0.19


async def test_async_concurrency_and_rate_limit() -> None:
    limits.create_limit("aio", 2)
    limits.create_limit("aio-rate", 1, slot_decay_per_second=50)
    spans: list[tuple[float, float]] = []

    async def work() -> None:
        async with aconc.concurrency("aio"):
            start = time.monotonic()
            await asyncio.sleep(0.01)
            spans.append((start, time.monotonic()))

    await asyncio.gather(*(work() for _ in range(8)))
    assert max_overlap(spans) <= 2
    for _ in range(3):
        await aconc.rate_limit("aio-rate")
    with pytest.raises(TimeoutError):
        async with (
            aconc.concurrency("aio", occupy=2),
            aconc.concurrency("aio", timeout_seconds=0.1),
        ):
            pass


def test_limit_management() -> None:
    limits.create_limit("m", 2)
    with pytest.raises(ObjectAlreadyExists):
        limits.create_limit("m", 3)
    assert limits.update_limit("m", limit=5).limit == 5
    assert limits.update_limit("m", active=False).active is False
    with concurrency("m"):
        pass
    limits.update_limit("m", active=True)
    with concurrency("m"):
        assert limits.read_limit("m").holders
        limits.reset_limit("m")
        assert limits.read_limit("m").active_slots == 0
    limits.delete_limit("m")
    with pytest.raises(ObjectNotFound):
        limits.read_limit("m")
    with pytest.raises(ValueError):
        limits.create_limit("neg", -1)
