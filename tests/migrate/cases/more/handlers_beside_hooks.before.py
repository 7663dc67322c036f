from prefect import task


def notify(task, old_state, new_state):
    if new_state.is_failed():
        print("failed")
    return new_state


def page(task, task_run, state):
    print("paging")


@task(state_handlers=[notify], on_failure=[page])
def load():
    return 1
