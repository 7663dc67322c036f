from prefect.tasks.shell import ShellTask

shell = ShellTask()
