"""1.x: the context logger, .map with unmapped, a LocalDaskExecutor."""
import prefect
from prefect import Flow, Parameter, task, unmapped
from prefect.executors import LocalDaskExecutor


@task
def scale(x, factor):
    logger = prefect.context.get("logger")
    logger.info("scaling %s", x)
    return x * factor


@task
def total(values):
    print("OUT total", sum(values))


with Flow("mapping", executor=LocalDaskExecutor(scheduler="threads", num_workers=2)) as flow:
    factor = Parameter("factor", default=10)
    scaled = scale.map([1, 2, 3], factor=unmapped(factor))
    total(scaled)

flow.run()
