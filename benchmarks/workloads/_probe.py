"""Measuring helpers shared by the workloads; they never import the engine under test."""

from __future__ import annotations

import json
import os
import resource
import threading
import time


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def os_thread_count() -> int:
    """Threads of this process as the OS sees them, native ones included."""
    return len(os.listdir("/proc/self/task"))


class ThreadPeak:
    """Samples the OS thread count every few milliseconds while the block runs."""

    def __init__(self, interval_s: float = 0.005) -> None:
        self.interval_s = interval_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, os_thread_count())
            self._stop.wait(self.interval_s)

    def __enter__(self) -> ThreadPeak:
        self.peak = os_thread_count()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, os_thread_count())


def report(**metrics: object) -> None:
    """The driver reads the last stdout line as the workload's JSON result."""
    print(json.dumps(metrics), flush=True)


def now() -> float:
    return time.perf_counter()
