"""A cached result written by one process is reused by another process (same home).

The parent runs the task, then starts this script again as a child with the same nonce.
"""

import subprocess
import sys
import uuid

from prefect import flow, task
from prefect.tasks import task_input_hash

executions = []


@task(cache_key_fn=task_input_hash)
def compute(nonce: str, x: int) -> str:
    executions.append(x)
    return f"computed {x} in the process that ran first"


@flow
def pipeline(nonce: str) -> str:
    return compute(nonce, 7)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print("child:", pipeline(sys.argv[1]), "| executions in child:", len(executions))
    else:
        nonce = uuid.uuid4().hex
        print("parent:", pipeline(nonce), "| executions in parent:", len(executions))
        child = subprocess.run(
            [sys.executable, __file__, nonce], capture_output=True, text=True, check=True
        )
        print(child.stdout, end="")
