"""log_prints through subflows: does a child flow inherit it, and can it opt out?"""

from prefect import flow, task


@task
def child_task() -> None:
    print("TASK-IN-CHILD printed")


@flow
def inheriting_child() -> None:
    print("CHILD-INHERITING printed")
    child_task()


@flow(log_prints=False)
def opted_out_child() -> None:
    print("CHILD-OPTED-OUT printed")
    child_task()


@flow(log_prints=True)
def parent() -> None:
    print("PARENT printed")
    inheriting_child()
    opted_out_child()


print("START")
parent()
print("END")
