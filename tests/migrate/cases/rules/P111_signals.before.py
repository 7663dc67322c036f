from prefect import task
from prefect.engine import signals

@task
def check(rows):
    if not rows:
        raise signals.FAIL("no rows")
