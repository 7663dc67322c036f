from prefect import Flow, task


class TeamFlow(Flow):
    """Adds owners to every flow."""


@task
def work():
    return 1


with TeamFlow("owned", code_owners=["data-team"]) as flow:
    work()
