"""Flows run by the server tests in a client process (`HEADRACE_API_URL` set by the test).

python remote_flows.py map N             a flow mapping a task over N items
python remote_flows.py pausing DIR N     N tasks, then waits for DIR/go, then N more
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from headrace import flow, get_run_logger, task


@task
def double(x: int) -> int:
    return 2 * x


@flow
def mapped(n: int) -> int:
    get_run_logger().info("mapping %d items", n)
    return sum(double.map(range(n)).result())


@flow
def pausing(folder: str, n: int) -> int:
    total = sum(double(i) for i in range(n))
    Path(folder, "half").write_text("")
    deadline = time.monotonic() + 60
    while not Path(folder, "go").exists():  # the test kills the server meanwhile
        if time.monotonic() > deadline:
            raise TimeoutError("no go")
        time.sleep(0.01)
    total += sum(double(i) for i in range(n, 2 * n))
    get_run_logger().info("done with %d", total)
    return total


if __name__ == "__main__":
    if sys.argv[1] == "map":
        print(mapped(int(sys.argv[2])))
    else:
        print(pausing(sys.argv[2], int(sys.argv[3])))
