"""1.x: case/merge on a task result, a class-based task."""
from prefect import Flow, Parameter, Task, case, task
from prefect.tasks.control_flow import merge


class Double(Task):
    def run(self, x):
        return x * 2


@task
def is_big(x):
    return x > 10


@task
def shout(x):
    return f"BIG {x}"


@task
def whisper(x):
    return f"small {x}"


@task
def report(message):
    print("OUT", message)


with Flow("branches") as flow:
    n = Parameter("n", default=3)
    doubled = Double()(n)
    big = is_big(doubled)
    with case(big, True):
        loud = shout(doubled)
    with case(big, False):
        quiet = whisper(doubled)
    report(merge(loud, quiet))

flow.run(parameters={"n": 3})
flow.run(parameters={"n": 30})
