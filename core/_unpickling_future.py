"""A view of a future of cloudpickled bytes that gives the unpickled value: how a process
pool task runner reads a worker's answer (its own module: `concurrent.futures` is only
imported once a process pool runs)."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any


class UnpicklingFuture(concurrent.futures.Future):
    """A view of a future of cloudpickled bytes that gives the unpickled value. A value
    that cannot be unpickled is the view's exception; done-callbacks always run."""

    def __init__(self, wrapped_future: concurrent.futures.Future) -> None:
        super().__init__()
        self.wrapped_future = wrapped_future
        self._error: BaseException | None = None

    def _load(self) -> Any:
        import cloudpickle

        try:
            return cloudpickle.loads(self.wrapped_future.result())
        except BaseException as error:
            if self.wrapped_future.exception() is None:  # the bytes, not the call
                self._error = error
            raise

    def result(self, timeout: float | None = None) -> Any:
        if self._error is not None:
            raise self._error
        self.wrapped_future.result(timeout)
        return self._load()

    def exception(self, timeout: float | None = None) -> BaseException | None:
        if self._error is not None:
            return self._error
        return self.wrapped_future.exception(timeout)

    def done(self) -> bool:
        return self.wrapped_future.done()

    def cancelled(self) -> bool:
        return self.wrapped_future.cancelled()

    def cancel(self) -> bool:
        return self.wrapped_future.cancel()

    def add_done_callback(self, fn: Callable[[concurrent.futures.Future], object]) -> None:
        def settled(_wrapped: concurrent.futures.Future) -> None:
            if not self.wrapped_future.cancelled() and self.wrapped_future.exception() is None:
                try:
                    self._load()
                except Exception:
                    pass  # kept as the view's exception
            fn(self)

        self.wrapped_future.add_done_callback(settled)
