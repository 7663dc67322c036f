from prefect import Flow, task
from prefect.utilities.debug import raise_on_exception


@task
def a():
    return 1


with Flow("x") as flow:
    a()


def test_flow():
    # run it
    with raise_on_exception():
        state = flow.run()
        assert state


def test_with_context():
    with raise_on_exception(), open("x") as f:
        flow.run()
