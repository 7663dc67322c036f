from prefect.states import Completed
from prefect import unmapped
from prefect.task_runners import ThreadPoolTaskRunner

executor = ThreadPoolTaskRunner(max_workers=4)


def report(add):
    add.map([1, 2], y=unmapped(3))
    return Completed(message="done")
