"""What a server does when it starts and stops, whichever ASGI app it serves (`front`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

#: seconds after the start at which the plugins' block types are imported in the background
BLOCK_TYPES_DELAY_S = 1.0


#: the automation evaluator of this server process (None when HEADRACE_AUTOMATIONS=0)
evaluator: Any = None


def open_store() -> Callable[[], None]:
    """Open (and migrate) the server's store, start the automation evaluator and, a
    moment later, the import of block types; returns what stops both."""
    from headrace.automations.evaluator import start_if_local
    from headrace.store import get_store

    global evaluator
    get_store()
    evaluator = start_if_local()
    # block types come from plugins, some slow to import (database drivers, cloud SDKs):
    # load them behind the first requests instead of in front of the first block page, and
    # a moment after the start so they do not compete with it for the CPU
    warm = threading.Timer(BLOCK_TYPES_DELAY_S, _load_block_types)
    warm.name, warm.daemon = "headrace-block-types", True
    warm.start()

    def stop() -> None:
        global evaluator
        warm.cancel()
        if evaluator is not None:
            evaluator.stop()
            evaluator = None

    return stop


def close_store() -> None:
    """Commit what the requests queued (uvicorn has finished them), then close."""
    from headrace.store import get_store, reset_store

    get_store().flush(timeout=60)
    reset_store()


def _load_block_types() -> None:
    from headrace.blocks.registry import block_types

    try:
        block_types()
    except Exception:  # a broken plugin is reported where its blocks are used
        pass
