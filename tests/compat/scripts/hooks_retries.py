"""Hooks and run counts across task and flow retries: which state each attempt runs in."""

from prefect import flow, runtime, task


def task_hook(label):
    def hook(task, task_run, state):
        print(f"task {label}: {state.type.value} {state.name} run_count={task_run.run_count}")

    return hook


def flow_hook(label):
    def hook(flow, flow_run, state):
        # Prefect hands on_running a flow run whose run_count is not yet incremented
        # (0, then 1): a quirk not worth copying, so it is printed only after the run.
        count = "" if label == "running" else f" run_count={flow_run.run_count}"
        print(f"flow {label}: {state.type.value} {state.name}{count}")

    return hook


@task(
    retries=2,
    retry_delay_seconds=0,
    on_running=[task_hook("running")],
    on_failure=[task_hook("failure")],
    on_completion=[task_hook("completion")],
)
def flaky() -> int:
    n = runtime.task_run.run_count
    print("task attempt", n)
    if n < 3:
        raise ValueError(f"fail {n}")
    return n


@flow(
    retries=1,
    retry_delay_seconds=0,
    on_running=[flow_hook("running")],
    on_failure=[flow_hook("failure")],
    on_completion=[flow_hook("completion")],
)
def retried_flow() -> int:
    n = runtime.flow_run.run_count
    print("flow attempt", n)
    value = flaky()
    if n < 2:
        raise RuntimeError("the first flow attempt fails")
    return value


print("result:", retried_flow())
