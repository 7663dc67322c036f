from prefect import flow, task

@task
async def fetch():
    return 1

@flow
def etl():
    fetch()
