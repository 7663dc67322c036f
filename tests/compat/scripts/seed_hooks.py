"""Seed "Logging and state hooks", plus a failing variant so on_failure fires."""

from prefect import flow, task


@task(log_prints=True)
def my_task():
    print("task running")
    return 42


def on_failure(flow, flow_run, state):
    print(f"Flow {flow.name} failed: {state.message}")


def on_completion(flow, flow_run, state):
    print(f"Flow {flow.name} completed successfully")


@flow(on_failure=[on_failure], on_completion=[on_completion], log_prints=True)
def instrumented_flow():
    result = my_task()
    print(f"Result: {result}")


@flow(on_failure=[on_failure], on_completion=[on_completion])
def failing_flow():
    raise ValueError("broken input")


instrumented_flow()
state = failing_flow(return_state=True)
print("failing_flow:", state.name)
