from prefect import Flow, Parameter, task

@task
def double(x):
    return x * 2

with Flow("etl") as flow:
    n = Parameter("n", default=3)
    double(n)

flow.run(parameters={"n": 5})
