from prefect import flow, task
from prefect.task_runners import ThreadPoolTaskRunner


@task(retries=2)
def add(x, y):
    return x + y


@flow(task_runner=ThreadPoolTaskRunner(max_workers=2))
def pipeline():
    return add(1, 2)
