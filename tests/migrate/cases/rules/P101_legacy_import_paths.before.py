from prefect.engine.executors import LocalDaskExecutor
from prefect.engine.state import Success
from prefect.utilities.edges import unmapped

executor = LocalDaskExecutor(num_workers=4)


def report(add):
    add.map([1, 2], y=unmapped(3))
    return Success(message="done")
