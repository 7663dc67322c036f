"""on_running / on_completion / on_failure hooks on flows and tasks, in the order they fire."""

from prefect import flow, task


def flow_hook(label):
    def hook(flow, flow_run, state):
        print(f"flow hook {label}: {flow.name} {state.name} {state.message!r}")

    return hook


def task_hook(label):
    def hook(task, task_run, state):
        print(f"task hook {label}: {task.name} {state.name}")

    return hook


@task(
    on_completion=[task_hook("completion")],
    on_failure=[task_hook("failure")],
    on_running=[task_hook("running")],
)
def maybe(fail: bool) -> str:
    print("task body, fail =", fail)
    if fail:
        raise ValueError("task went wrong")
    return "task ok"


@flow(
    on_running=[flow_hook("running")],
    on_completion=[flow_hook("completion")],
    on_failure=[flow_hook("failure")],
)
def good():
    print("good body:", maybe(False))
    return "good"


@flow(on_failure=[flow_hook("failure")], on_completion=[flow_hook("completion")])
def bad():
    maybe(True)


@task(on_failure=[task_hook("failure")], retries=1, retry_delay_seconds=0)
def retried():
    raise RuntimeError("always")


@flow
def with_retries():
    return retried(return_state=True).name


def broken_hook(flow, flow_run, state):
    raise RuntimeError("hook itself failed")


@flow(on_completion=[broken_hook, flow_hook("after-broken")])
def hook_errors():
    return "value survives"


print("returned:", good())
try:
    bad()
except ValueError as exc:
    print("bad raised:", exc)
print("with_retries:", with_retries())
print("hook_errors:", hook_errors())
