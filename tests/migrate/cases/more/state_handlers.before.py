from prefect import Flow, task


def alert(obj, old_state, new_state):
    if new_state.is_failed():
        print(f"{obj} failed")
    return new_state


def audit(task, old, new):
    print(task, new)


@task(state_handlers=[alert])
def risky():
    raise ValueError("boom")


@task(state_handlers=[alert, audit])
def other():
    pass


with Flow("handled", state_handlers=[alert]) as flow:
    risky()
