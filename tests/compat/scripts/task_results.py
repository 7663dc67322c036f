"""Plain results: a task called inside a flow returns its value, the flow returns its own."""

from prefect import flow, task


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def as_record(name: str, value: int) -> dict:
    return {"name": name, "value": value}


@task
def nothing() -> None:
    return None


@flow
def pipeline(x: int, y: int = 10) -> dict:
    total = add(x, y)
    record = as_record("total", total)
    print("inside:", total, record, nothing())
    return record


print("result:", pipeline(1))
print("keyword:", pipeline(x=2, y=3))
print("result type:", type(pipeline(1)).__name__)
