from prefect.executors import DaskExecutor

# TODO(headrace-migrate P199): DaskExecutor -> use task_runner= on @flow (ThreadPoolTaskRunner, ProcessPoolTaskRunner)
executor = DaskExecutor
