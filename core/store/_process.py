"""Which process runs a run: `pid:start-ticks`, to tell a live process from a reused pid."""

from __future__ import annotations

import os


def _process_start_ticks(pid: int) -> str | None:
    """The kernel's start time of a process, to tell a live pid from a reused one."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return fields[19].decode()
    except (OSError, IndexError):
        return None


def process_alive(process: str | None) -> bool:
    """Whether the process named by a `pid:start-ticks` key still runs on this machine."""
    if not process:
        return False
    pid_text, _, ticks = process.partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if ticks and ticks != "?":
        return _process_start_ticks(pid) == ticks
    return True


PROCESS_KEY = f"{os.getpid()}:{_process_start_ticks(os.getpid()) or '?'}"
