"""Hold the store's write lock from another process: `python _hold_lock.py DB [SECONDS]`.

Prints "locked" once the lock is held; releases it after SECONDS, or when a line (or
end of file) arrives on stdin.
"""

import sqlite3
import sys
import time

connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
if len(sys.argv) > 2:
    time.sleep(float(sys.argv[2]))  # the fault itself: a lock held this long
else:
    sys.stdin.readline()
connection.execute("ROLLBACK")
connection.close()
print("released", flush=True)
