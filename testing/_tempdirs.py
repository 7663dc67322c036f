"""Where throwaway harness homes live: in memory when the system offers it.

A harness store is deleted on exit, so durability buys nothing, yet SQLite syncs the file
when the store closes; on a busy disk that sync alone costs tens of milliseconds. On
Linux `/dev/shm` is a memory filesystem where a sync is free, so the harness uses it when
it has room, and the system's temporary directory otherwise.
"""

from __future__ import annotations

import functools
import os
import tempfile

MEMORY_FILESYSTEM = "/dev/shm"
#: free space below which the memory filesystem is left alone (results and caches go here)
MIN_FREE_BYTES = 256 * 1024 * 1024


@functools.cache
def temp_root() -> str:
    """The directory throwaway homes are created in (decided once per process)."""
    try:
        usage = os.statvfs(MEMORY_FILESYSTEM)
    except OSError:
        return tempfile.gettempdir()
    if os.access(MEMORY_FILESYSTEM, os.W_OK) and usage.f_bavail * usage.f_frsize >= MIN_FREE_BYTES:
        return MEMORY_FILESYSTEM
    return tempfile.gettempdir()
