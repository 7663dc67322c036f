import prefect
from prefect import task

@task
def hello():
    logger = prefect.context.get("logger")
    logger.info("hi")
