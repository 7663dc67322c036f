"""get_run_context() inside a flow and a task, and outside any run."""

from prefect import flow, task
from prefect.context import FlowRunContext, TaskRunContext, get_run_context
from prefect.exceptions import MissingContextError


@task(task_run_name="ctx-task-{x}")
def in_task(x: int) -> str:
    ctx = get_run_context()
    kind = "task" if isinstance(ctx, TaskRunContext) else "other"
    return f"{kind} {ctx.task.name} {ctx.task_run.name}"


@flow(flow_run_name="ctx-flow")
def in_flow() -> str:
    ctx = get_run_context()
    print(isinstance(ctx, FlowRunContext), ctx.flow.name, ctx.flow_run.name)
    print("FlowRunContext.get() in flow:", FlowRunContext.get().flow_run.name)
    print("TaskRunContext.get() in flow:", TaskRunContext.get())
    return in_task(1)


print(in_flow())
print("FlowRunContext.get() outside:", FlowRunContext.get())
try:
    get_run_context()
except MissingContextError as exc:
    print("outside:", type(exc).__name__, "|", exc)
