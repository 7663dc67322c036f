"""Seed "Subflows": a flow calling a flow."""

from prefect import flow, task


@task
def validate(data: list) -> bool:
    return len(data) > 0


@flow(name="transform")
def transform_flow(data: list) -> list:
    if validate(data):
        return [x * 2 for x in data]
    return []


@flow(name="main")
def main_flow():
    raw = [1, 2, 3, 4, 5]
    result = transform_flow(raw)
    print(f"Transformed: {result}")
    print(f"Empty: {transform_flow([])}")


main_flow()
