"""runtime ids, names and counts; run logger names (the package prefix is not compared)."""

from prefect import flow, get_run_logger, runtime, task
from prefect.logging import get_logger


def last_part(name: str) -> str:
    return name.rsplit(".", 1)[-1]


@task(task_run_name="named-task")
def inner() -> tuple:
    logger = get_run_logger()
    task_run_id = runtime.task_run.id
    return (
        last_part(logger.name),
        type(task_run_id).__name__,
        len(task_run_id),
        runtime.task_run.task_name,
        runtime.task_run.run_count,
    )


@flow(flow_run_name="named-flow")
def outer() -> None:
    logger = get_run_logger()
    print("flow logger:", last_part(logger.name))
    print("flow run id:", type(runtime.flow_run.id).__name__, len(runtime.flow_run.id))
    print("flow_name:", runtime.flow_run.flow_name, "run_count:", runtime.flow_run.run_count)
    print("deployment id:", runtime.deployment.id)
    print("task:", inner())
    print("get_logger('mine'):", last_part(get_logger("mine").name))


outer()
print("outside:", runtime.flow_run.id, runtime.task_run.id, runtime.deployment.id)
print("outside flow_name:", runtime.flow_run.flow_name)
