"""`.fn` calls the wrapped function directly, no run and no state."""

from prefect import flow, task


@task(retries=3)
def transform(rows: list[dict], min_score: int) -> list[dict]:
    return [r for r in rows if r.get("score", 0) >= min_score]


@flow
def pipeline(n: int) -> int:
    return n * 2


print(transform.fn([{"score": 10}, {"score": 80}], min_score=50))
print(pipeline.fn(21))
print("fn is plain function:", callable(transform.fn), transform.fn.__name__)
print("task name:", transform.name, "flow name:", pipeline.name)
