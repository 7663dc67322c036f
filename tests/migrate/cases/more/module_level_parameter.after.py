from prefect import task, flow


@task
def load(n, t):
    return n, t


@flow(name="loader")
def loader(table_name, limit=10):
    table = table_name
    load(limit, table)

loader(table_name="t1")
