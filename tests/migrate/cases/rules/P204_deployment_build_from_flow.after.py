from flows import etl

# TODO(headrace-migrate P204): deploy() needs a work pool: create one (or use etl.serve(...) to run in-process)
etl.deploy(
    name="prod",
    work_queue_name="default",
    job_variables={"env": {"MODE": "prod"}},
    work_pool_name="default",
)
