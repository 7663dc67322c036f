from prefect import task
from prefect.engine.results import LocalResult

@task(result=LocalResult(dir="/tmp/results"))
def load():
    return 1
