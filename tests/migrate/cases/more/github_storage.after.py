from prefect import task, flow


@task
def hello():
    print("hi")


# TODO(headrace-migrate P103): storage=GitHub(repo="acme/flows", path="flows/etl.py"), run_config=KubernetesRun(image="acme/etl:1", labels=["k8s"]) moved to deployment: pass it to etl.deploy(work_pool_name=..., job_variables=...) or etl.from_source(...)
@flow(name="etl")
def etl():
    hello()

# TODO(headrace-migrate P104): etl.register(project_name="prod") became deploy(): create the work pool it names; projects and labels have no equivalent (use tags or work queues)
etl.from_source(source="https://github.com/acme/flows.git", entrypoint="flows/etl.py:etl").deploy(name="etl", work_pool_name="default", job_variables={"image": "acme/etl:1"})
