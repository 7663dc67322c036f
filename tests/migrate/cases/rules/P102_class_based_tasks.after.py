from prefect import task

@task
def Add(x, y):
    return x + y

add = Add.with_options(retries=2)
