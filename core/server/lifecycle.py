"""What a server does when it starts and stops, whichever ASGI app it serves (`front`)."""

from __future__ import annotations

import threading
from collections.abc import Callable

#: seconds after the start at which the plugins' block types are imported in the background
BLOCK_TYPES_DELAY_S = 1.0


def open_store() -> Callable[[], None]:
    """Open (and migrate) the server's store and start importing block types a moment
    later; returns what stops the import if it has not begun."""
    from headrace.store import get_store

    get_store()
    # block types come from plugins, some slow to import (database drivers, cloud SDKs):
    # load them behind the first requests instead of in front of the first block page, and
    # a moment after the start so they do not compete with it for the CPU
    warm = threading.Timer(BLOCK_TYPES_DELAY_S, _load_block_types)
    warm.name, warm.daemon = "headrace-block-types", True
    warm.start()
    return warm.cancel


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
