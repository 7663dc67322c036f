"""wait(timeout=) splits done from not done; as_completed(timeout=) raises a TimeoutError."""

import threading

from prefect import flow, task
from prefect.futures import as_completed, wait

release = threading.Event()


@task
def blocked(i: int) -> int:
    release.wait(30)
    return i


@task
def quick(i: int) -> int:
    return i


@flow
def pipeline() -> list[int]:
    futures = [blocked.submit(1), quick.submit(2)]
    futures[1].result()
    done, not_done = wait(futures, timeout=0.2)
    print("wait with timeout: done", len(done), "not done", len(not_done))
    try:
        for fut in as_completed(futures, timeout=0.2):
            print("as_completed yielded", fut.result())
    except TimeoutError as exc:
        print("as_completed timed out:", exc)
    release.set()
    return [f.result() for f in futures]


print(pipeline())
