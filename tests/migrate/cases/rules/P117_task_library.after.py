# TODO(headrace-migrate P117): prefect.tasks.shell is gone: use a @task that runs subprocess.run(...)
from prefect.tasks.shell import ShellTask

shell = ShellTask()
