import prefect
from prefect import task, get_run_logger, runtime, flow
from prefect.cache_policies import TASK_SOURCE
from prefect_aws import S3Bucket
from prefect.states import Completed

# TODO(headrace-migrate P109): get_run_logger() works only inside a flow or task run; call it there
logger = get_run_logger()


def Query(sql):
    @task(name="Query")
    def run():
        return sql

    return run


# TODO(headrace-migrate P106): cache_for became cache_expiration with cache_policy=TASK_SOURCE (1.x cached by duration only); use INPUTS + TASK_SOURCE if results depend on inputs
# TODO(headrace-migrate P107): S3Result became a S3Bucket block: give it credentials (save it as a block)
# TODO(headrace-migrate P107): target="{task_name}.pkl" dropped: file-based caching is a cache_key_fn or cache policy now
@task(persist_result=True, result_storage=S3Bucket(bucket_name="results"), cache_expiration=60, cache_policy=TASK_SOURCE)
def load(x):
    if x is None:
        # TODO(headrace-migrate P111): SKIP became a Completed state: downstream tasks are no longer skipped; guard them with if/else in the flow
        return Completed(message="nothing to load")
    if x < 0:
        # TODO(headrace-migrate P111): RETRY became an exception: give the task retries=N to retry it
        raise RuntimeError()
    # TODO(headrace-migrate P110): prefect.context.map_index: the 1.x context key 'map_index' has no runtime equivalent; read it from prefect.runtime or pass it as a parameter
    return prefect.context.map_index, runtime.flow_run.scheduled_start_time.strftime("%Y-%m-%d")


@flow(name="odd")
def odd():
    a = load(1)
    b = load(2)
    # TODO(headrace-migrate P113): dependency a.set_upstream(b) not converted: call a(..., wait_for=[...]) with the upstream results
    a.set_upstream(b)
    # TODO(headrace-migrate P104): odd.add_edge(...) builds a 1.x task graph; a @flow function has no graph to edit: express it with calls and wait_for=[...] in the function
    odd.add_edge(a, b)
