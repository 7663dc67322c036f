from prefect import task

# TODO(headrace-migrate P108): trigger=all_finished dropped: pass the upstream results wrapped in allow_failure(...) so this task runs after failures
# TODO(headrace-migrate P108): state_handlers=[alert] dropped: rewrite them as on_completion=[...] / on_failure=[...] hooks taking (task, task_run, state)
@task
def cleanup():
    pass
