"""Running a sync callable with a deadline without waiting for it past the deadline.

The callable runs in a helper thread; at the deadline the caller gets a timeout at
once (Prefect's caller waits for the whole overrun). The helper thread is asked to
stop with an asynchronous exception, which takes effect at its next Python bytecode.
"""

from __future__ import annotations

import contextvars
import ctypes
import threading
from collections.abc import Callable
from typing import Any


def _interrupt(thread: threading.Thread, exc_type: type[BaseException]) -> None:
    if thread.ident is not None and thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(exc_type)
        )


def call_with_timeout(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    timeout: float,
    timeout_error: type[BaseException],
    message: str,
) -> Any:
    """Call `fn(*args, **kwargs)`; raise `timeout_error(message)` once `timeout` passes."""
    outcome: dict[str, Any] = {}
    context = contextvars.copy_context()

    def target() -> None:
        try:
            outcome["value"] = context.run(fn, *args, **kwargs)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="headrace-timeout", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        _interrupt(thread, timeout_error)
        raise timeout_error(message)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def scope_timeout_message(seconds: float | None) -> str:
    """The timeout exception's text, worded as Prefect's."""
    return f"Scope timed out after {seconds} second(s)."
