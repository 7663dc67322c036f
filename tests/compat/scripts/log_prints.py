"""What print does under log_prints=True: does anything still reach stdout?"""

import sys

from prefect import flow, task


@task(log_prints=True)
def logged_task():
    print("TASK-PRINT logged task")
    print("TASK-PRINT-EXPLICIT-STDOUT", file=sys.stdout)
    print("TASK-PRINT-STDERR", file=sys.stderr)
    return 1


@task
def inheriting_task():
    print("TASK-PRINT inheriting task")
    return 2


@task(log_prints=False)
def opted_out_task():
    print("TASK-PRINT opted out task")
    return 3


@flow(log_prints=True)
def logged_flow():
    print("FLOW-PRINT logged flow")
    return logged_task() + inheriting_task() + opted_out_task()


@flow
def quiet_flow():
    print("FLOW-PRINT quiet flow")
    return inheriting_task() + logged_task()


print("START")
print("logged_flow ->", logged_flow())
print("quiet_flow ->", quiet_flow())
print("END")
