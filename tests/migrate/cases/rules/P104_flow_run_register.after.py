from prefect import flow

@flow(name="etl")
def etl():
    pass

# TODO(headrace-migrate P104): the flow call returns a State with return_state=True: read its value with state.result(); 1.x lookups such as state.result[task] must change
state = etl(return_state=True)
# TODO(headrace-migrate P104): etl.register(project_name="prod", labels=["k8s"]) became deploy(): create the work pool it names; projects and labels have no equivalent (use tags or work queues)
etl.deploy(name="etl", work_pool_name="default")
