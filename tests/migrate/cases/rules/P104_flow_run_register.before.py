from prefect import Flow

with Flow("etl") as flow:
    pass

state = flow.run()
flow.register(project_name="prod", labels=["k8s"])
