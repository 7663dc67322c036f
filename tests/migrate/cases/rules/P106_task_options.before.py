from datetime import timedelta
from prefect import task

@task(timeout=60, log_stdout=True, checkpoint=False, nout=2)
def split(x):
    return x, x
