from prefect import flow

@flow
async def etl():
    fut = await fetch.submit(1)
    value = await fut.result()
