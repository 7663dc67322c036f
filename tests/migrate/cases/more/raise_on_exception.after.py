from prefect import task, flow


@task
def a():
    return 1


@flow(name="x")
def x():
    a()


def test_flow():
    # run it
    # TODO(headrace-migrate P104): the flow call returns a State with return_state=True: read its value with state.result(); 1.x lookups such as state.result[task] must change
    state = x(return_state=True)
    assert state


def test_with_context():
    with open("x") as f:
        x()
