from prefect import task

@task
def check(rows):
    if not rows:
        raise RuntimeError("no rows")
