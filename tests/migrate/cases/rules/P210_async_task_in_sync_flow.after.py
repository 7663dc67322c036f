from prefect import flow, task

@task
async def fetch():
    return 1

@flow
def etl():
    # TODO(headrace-migrate P210): fetch is an async task called from the sync flow etl: make the flow async (and await it) or the task sync
    fetch()
