from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

@flow(name="etl", task_runner=ThreadPoolTaskRunner(max_workers=8))
def etl():
    pass
