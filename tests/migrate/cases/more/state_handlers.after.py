from prefect import task, flow


def alert(obj, old_state, new_state):
    if new_state.is_failed():
        print(f"{obj} failed")
    return new_state


def audit(task, old, new):
    print(task, new)


# TODO(headrace-migrate P108): alert became state hooks: change the signature to (task, task_run, state); a hook cannot replace the state
@task(on_failure=[alert])
def risky():
    raise ValueError("boom")


# TODO(headrace-migrate P108): state_handlers=[alert, audit] dropped: rewrite them as on_completion=[...] / on_failure=[...] hooks taking (task, task_run, state)
@task
def other():
    pass


# TODO(headrace-migrate P108): alert became state hooks: change the signature to (task, task_run, state); a hook cannot replace the state
@flow(name="handled", on_failure=[alert])
def handled():
    risky()
