from prefect import task, get_run_logger

@task
def hello():
    logger = get_run_logger()
    logger.info("hi")
