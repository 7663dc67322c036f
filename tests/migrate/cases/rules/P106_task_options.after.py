from datetime import timedelta
from prefect import task

@task(timeout_seconds=60, log_prints=True, persist_result=False)
def split(x):
    return x, x
