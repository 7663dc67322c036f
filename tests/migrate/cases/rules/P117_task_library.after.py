# TODO(headrace-migrate P300): ShellTask (prefect.tasks.shell.ShellTask) does not exist in prefect: its import was removed; replace this use
# TODO(headrace-migrate P117): prefect.tasks.shell is gone: use a @task that runs subprocess.run(...)
shell = ShellTask()
