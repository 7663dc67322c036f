"""A task called outside any flow still runs as a task run (Prefect 3 behaviour)."""

from prefect import runtime, task


@task(task_run_name="solo-{x}")
def solo(x: int) -> int:
    print("in task, run name:", runtime.task_run.name)
    print("in task, flow run name:", repr(runtime.flow_run.name))
    return x + 100


@task
def bad():
    raise ValueError("outside failure")


print("result:", solo(1))
state = solo(2, return_state=True)
print("state:", state.name, state.result())
try:
    bad()
except ValueError as exc:
    print("raised:", type(exc).__name__, exc)
try:
    solo.submit(3)
except RuntimeError as exc:
    # Prefect goes on to suggest its `.delay` deferred execution; compare the first sentence
    print("submit outside a flow:", type(exc).__name__, "|", str(exc).split(". ")[0])
