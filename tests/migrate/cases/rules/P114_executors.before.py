from prefect import flow
from prefect.executors import LocalDaskExecutor

@flow(name="etl", task_runner=LocalDaskExecutor(scheduler="threads", num_workers=8))
def etl():
    pass
