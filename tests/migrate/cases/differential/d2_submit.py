"""2.x: ConcurrentTaskRunner, submit, get_state, result(fetch=True)."""
from prefect import flow, task
from prefect.task_runners import ConcurrentTaskRunner


@task
def square(x):
    return x * x


@flow(task_runner=ConcurrentTaskRunner())
def squares(n: int = 3):
    futures = [square.submit(i) for i in range(n)]
    states = [f.get_state() for f in futures]
    for f in futures:
        f.wait()
    values = [f.result() for f in futures]
    print("OUT values", values)
    state = square(7, return_state=True)
    print("OUT fetched", state.result(fetch=True))
    return sum(values)


if __name__ == "__main__":
    print("OUT total", squares(4))
