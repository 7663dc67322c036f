from prefect import task


def notify(task, old_state, new_state):
    if new_state.is_failed():
        print("failed")
    return new_state


def page(task, task_run, state):
    print("paging")


# TODO(headrace-migrate P108): notify became state hooks: change the signature to (task, task_run, state); a hook cannot replace the state
@task(on_failure=[notify, page])
def load():
    return 1
