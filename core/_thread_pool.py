"""A bounded pool of threads that runs the work bound to futures.

Lighter than `concurrent.futures.ThreadPoolExecutor` for this job: a map of 10,000
tasks queues 10,000 futures and nothing else (no per-item executor future and its
condition variable), and a future whose work was stolen by a waiting thread is simply
skipped when a worker reaches it.
"""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING

from headrace.futures import mark_worker_thread

if TYPE_CHECKING:
    from headrace.futures import PrefectFuture

_STOP = None


class ThreadPool:
    """Up to `max_workers` threads, started as work arrives."""

    def __init__(self, max_workers: int, name: str = "headrace-task") -> None:
        self._max_workers = max_workers
        self.name = name
        self._queue: queue.SimpleQueue[PrefectFuture | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(self, future: PrefectFuture) -> None:
        """Queue a future whose work is bound (`future.bind_work`)."""
        self._queue.put(future)
        if len(self._threads) < self._max_workers:
            with self._lock:
                if len(self._threads) < self._max_workers:
                    thread = threading.Thread(
                        target=self._work_loop,
                        name=f"{self.name}-{len(self._threads)}",
                        daemon=True,
                    )
                    self._threads.append(thread)
                    thread.start()

    def shutdown(self) -> None:
        """Finish everything queued, then stop the threads."""
        with self._lock:
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(_STOP)
        for thread in threads:
            thread.join()

    def _work_loop(self) -> None:
        mark_worker_thread()
        while True:
            future = self._queue.get()
            if future is _STOP:
                return
            try:
                future.run_work()
            except BaseException as error:  # the engine itself failed: settle, keep serving
                if not future.done():
                    from headrace.states import Crashed

                    future.set_final_state(
                        Crashed(message=f"Task runner error: {error!r}", data=error)
                    )
