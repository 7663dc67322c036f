from prefect import Flow, Parameter, task

limit = Parameter("limit", default=10)
table = Parameter("table_name")


@task
def load(n, t):
    return n, t


with Flow("loader") as flow:
    load(limit, table)

flow.run(parameters={"table_name": "t1"})
