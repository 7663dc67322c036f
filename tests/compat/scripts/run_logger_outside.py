"""get_run_logger outside a run raises MissingContextError; inside it works."""

from prefect import flow, get_run_logger, task
from prefect.exceptions import MissingContextError

try:
    get_run_logger()
except MissingContextError as exc:
    print("outside:", type(exc).__name__, "|", exc)


@task
def logs() -> str:
    logger = get_run_logger()
    logger.info("hello from task")
    return type(logger).__name__


@flow
def pipeline() -> str:
    get_run_logger().info("hello from flow")
    return logs()


print("inside gives a logger adapter:", pipeline().endswith("Adapter"))
print("issubclass:", issubclass(MissingContextError, Exception))
