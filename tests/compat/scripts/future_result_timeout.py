"""future.result(timeout=...) on a task still running raises TimeoutError; later it resolves."""

import threading

from prefect import flow, task

release = threading.Event()


@task
def blocked() -> str:
    release.wait(30)
    return "released"


@flow
def pipeline() -> str:
    fut = blocked.submit()
    try:
        fut.result(timeout=0.1)
    except TimeoutError as exc:
        print("raised:", type(exc).__name__)
        print("message ends:", str(exc).split(" did not")[1])
    release.set()
    return fut.result()


print(pipeline())
