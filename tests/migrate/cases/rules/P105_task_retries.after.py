from datetime import timedelta
from prefect import task

@task(retries=3, retry_delay_seconds=60)
def fetch():
    return 1
