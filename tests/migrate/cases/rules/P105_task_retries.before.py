from datetime import timedelta
from prefect import task

@task(max_retries=3, retry_delay=timedelta(minutes=1))
def fetch():
    return 1
