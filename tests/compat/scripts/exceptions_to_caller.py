"""Which exception reaches the caller when a task or a flow raises."""

from prefect import flow, task


class CustomError(Exception):
    pass


@task
def explode(kind: str):
    if kind == "value":
        raise ValueError("value problem")
    if kind == "key":
        raise KeyError("missing")
    raise CustomError("custom problem")


@flow
def uncaught(kind: str):
    explode(kind)
    return "not reached"


@flow
def caught() -> str:
    try:
        explode("value")
    except ValueError as exc:
        return f"caught {type(exc).__name__}: {exc}"
    return "not reached"


for kind in ["value", "key", "custom"]:
    try:
        uncaught(kind)
    except Exception as exc:
        print(kind, "->", type(exc).__name__, str(exc))

print(caught())
state = caught(return_state=True)
print("caught flow state:", state.name)
