"""headrace.futures.wait and as_completed over submitted futures."""

from prefect import flow, task
from prefect.futures import as_completed, wait


@task
def double(x: int) -> int:
    return 2 * x


@flow
def pipeline():
    futures = [double.submit(i) for i in range(5)]
    done_not_done = wait(futures)
    print("wait returns:", type(done_not_done).__name__)
    print("done:", len(done_not_done.done), "not_done:", len(done_not_done.not_done))
    done, not_done = done_not_done
    print("unpacked:", len(done), len(not_done))
    print("sorted results:", sorted(f.result() for f in done))
    seen = sorted(f.result() for f in as_completed([double.submit(i) for i in range(3)]))
    print("as_completed:", seen)


pipeline()
