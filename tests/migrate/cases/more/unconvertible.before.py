import prefect
from prefect import Flow, Task, task
from prefect.engine import signals
from prefect.engine.results import S3Result

logger = prefect.context.get("logger")


class Query(Task):
    def __init__(self, sql, **kwargs):
        self.sql = sql
        super().__init__(**kwargs)

    def run(self):
        return self.sql


@task(result=S3Result(bucket="results"), target="{task_name}.pkl", cache_for=60)
def load(x):
    if x is None:
        raise signals.SKIP("nothing to load")
    if x < 0:
        raise signals.RETRY()
    return prefect.context.map_index, prefect.context["today"]


with Flow("odd") as flow:
    a = load(1)
    b = load(2)
    a.set_upstream(b)
    flow.add_edge(a, b)
