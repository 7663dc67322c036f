"""Lock managers: what SERIALIZABLE transactions and result stores lock keys with.

`MemoryLockManager` serializes threads of one process; `FileSystemLockManager` serializes
processes sharing a directory (lock files created atomically, with the holder and an
optional expiry inside).
"""

from headrace.locking.filesystem import FileSystemLockManager
from headrace.locking.memory import MemoryLockManager
from headrace.locking.protocol import LockManager

__all__ = ["FileSystemLockManager", "LockManager", "MemoryLockManager"]
