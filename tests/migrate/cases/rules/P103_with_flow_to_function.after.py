from prefect import task, flow

@task
def double(x):
    return x * 2

@flow(name="etl")
def etl(n=3):
    double(n)

etl(n=5)
