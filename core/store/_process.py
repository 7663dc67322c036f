"""Which process runs a run: `pid:start-ticks@host`, to tell a live process from a reused
pid, and a process of this machine from one of another (which cannot be checked here)."""

from __future__ import annotations

import os
import socket

HOST = socket.gethostname()


def _process_start_ticks(pid: int) -> str | None:
    """The kernel's start time of a process, to tell a live pid from a reused one."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return fields[19].decode()
    except (OSError, IndexError):
        return None


def process_alive(process: str | None) -> bool:
    """Whether the process named by a `pid:start-ticks@host` key may still run: False only
    when it is of this machine and gone."""
    if not process:
        return False
    process, _, host = process.partition("@")
    if host and host != HOST:
        return True
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


#: this process, as `pid:start-ticks`
PROCESS_KEY = f"{os.getpid()}:{_process_start_ticks(os.getpid()) or '?'}"
#: this process as run records name it: with the host, as several machines may share a store
RUN_OWNER = f"{PROCESS_KEY}@{HOST}"
