"""1.x: a module-level Parameter, a class-based task with options, context reads."""
from datetime import timedelta

import prefect
from prefect import Flow, Parameter, Task, task

limit = Parameter("limit", default=2)


class Shout(Task):
    def run(self, word):
        return word.upper()


@task
def show(word, n):
    params = prefect.context.parameters
    print("OUT", word, n, sorted(params.items()))
    print("OUT flow", prefect.context.get("flow_name"))


with Flow("more") as flow:
    loud = Shout(name="shout", max_retries=1, retry_delay=timedelta(seconds=0))("hi")
    show(loud, limit)

flow.run()
flow.run(parameters={"limit": 5})
