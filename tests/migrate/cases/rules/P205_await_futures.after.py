from prefect import flow

@flow
async def etl():
    fut = fetch.submit(1)
    value = fut.result()
