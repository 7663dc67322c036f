"""Seed "Quick example", with the HTTP fetch replaced by local records."""

from prefect import flow, task

RECORDS = [{"id": 1, "active": True}, {"id": 2, "active": False}, {"id": 3, "active": True}]


@task
def fetch_data(url: str) -> list[dict]:
    return [dict(r, source=url) for r in RECORDS]


@task
def process(records: list[dict]) -> list[dict]:
    return [r for r in records if r.get("active")]


@flow(name="My Pipeline")
def pipeline(url: str) -> list[dict]:
    raw = fetch_data(url)
    return process(raw)


if __name__ == "__main__":
    result = pipeline("local://records")
    print(result)
