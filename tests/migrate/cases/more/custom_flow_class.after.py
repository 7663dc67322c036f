from prefect import Flow, task, flow


# TODO(headrace-migrate P103): TeamFlow extends the 1.x Flow class; flows are @flow functions now: move what it adds into a decorator, hooks or tags
class TeamFlow(Flow):
    """Adds owners to every flow."""


@task
def work():
    return 1


# TODO(headrace-migrate P103): Flow options with no @flow equivalent dropped: code_owners=["data-team"]; this flow was built with TeamFlow; its extra behaviour is not carried over to @flow
@flow(name="owned")
def owned():
    work()
