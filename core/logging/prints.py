"""`log_prints=True`: `print` inside such a run goes to the run logger instead of stdout.

The engine installs the redirect when a run with `log_prints` starts.
"""

from __future__ import annotations

import builtins
import sys
import threading
from typing import Any

from headrace.context import innermost_run_context

_original_print = builtins.print
_install_lock = threading.Lock()


def _print(
    *args: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None, flush: bool = False
) -> None:
    ctx = innermost_run_context()
    if ctx is not None and ctx.log_prints and (file is None or file is sys.stdout):
        # stacklevel: the record names the function that called print, not this one
        ctx.logger.info(
            (sep if sep is not None else " ").join(str(arg) for arg in args), stacklevel=2
        )
        return
    _original_print(*args, sep=sep, end=end, file=file, flush=flush)


def install_print_redirect() -> None:
    """Replace `builtins.print` once; it only redirects inside runs with log_prints."""
    if builtins.print is _print:
        return
    with _install_lock:
        if builtins.print is not _print:
            builtins.print = _print
