"""Seed recipe 1 "Parameterised ETL", reading a local JSON file instead of an HTTP source."""

import json
import pathlib
import tempfile
from datetime import timedelta

from prefect import flow, task
from prefect.tasks import task_input_hash


@task(
    retries=3,
    retry_delay_seconds=0,
    cache_key_fn=task_input_hash,
    cache_expiration=timedelta(hours=6),
)
def extract(source: str) -> list[dict]:
    return json.loads(pathlib.Path(source).read_text())


@task
def transform(rows: list[dict], min_score: int) -> list[dict]:
    return [r for r in rows if r.get("score", 0) >= min_score]


@task(retries=2)
def load(rows: list[dict], dest: str) -> int:
    pathlib.Path(dest).write_text(json.dumps(rows, indent=2))
    return len(rows)


@flow(name="etl", log_prints=True)
def etl(source: str, dest: str = "out.json", min_score: int = 50) -> int:
    raw = extract(source)
    cleaned = transform(raw, min_score)
    return load(cleaned, dest)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp, "items.json")
        src.write_text(json.dumps([{"id": i, "score": i * 10} for i in range(20)]))
        dest = pathlib.Path(tmp, "out.json")
        print(etl(str(src), dest=str(dest), min_score=75))
        print("written:", [r["id"] for r in json.loads(dest.read_text())])
        state = etl(str(pathlib.Path(tmp, "missing.json")), dest=str(dest), return_state=True)
        print("missing source:", state.name, state.is_failed())
