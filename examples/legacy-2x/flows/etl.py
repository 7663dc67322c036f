"""The legacy 2.x ETL flow: submit/get_state, a sequential runner, a JSON block."""
from prefect import flow, get_run_logger, task
from prefect.task_runners import SequentialTaskRunner


@task(retries=2, retry_delay_seconds=0)
def extract(n: int) -> list[int]:
    return list(range(n))


@task
def square(x: int) -> int:
    return x * x


@flow(name="etl", task_runner=SequentialTaskRunner())
def etl(n: int = 3) -> int:
    logger = get_run_logger()
    rows = extract(n)
    futures = [square.submit(r) for r in rows]
    states = [f.get_state() for f in futures]
    logger.info("%s squares submitted", len(states))
    total = sum(f.result() for f in futures)
    print(f"total of squares: {total}")
    return total


if __name__ == "__main__":
    import sys

    etl(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
