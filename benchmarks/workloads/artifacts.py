"""Artifacts inside a warm flow: create keyed markdown artifacts, update a progress
artifact, read the newest of a key. Per-call means, after a warm-up flow."""

import sys
import warnings

from _probe import now, report
from prefect import flow
from prefect.artifacts import (
    Artifact,
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200


@flow
def publish(n: int) -> dict:
    t0 = now()
    for i in range(n):
        create_markdown_artifact(f"# Report {i}\n\n**{i}** rows", key="bench-report")
    created = now() - t0
    progress = create_progress_artifact(0.0, key="bench-progress")
    t0 = now()
    for i in range(n):
        update_progress_artifact(progress, 100.0 * i / n)
    updated = now() - t0
    t0 = now()
    for _ in range(n):
        latest = Artifact.get("bench-report")
    read = now() - t0
    assert latest is not None and latest.data == f"# Report {n - 1}\n\n**{n - 1}** rows"
    return {"create_s": created / n, "update_s": updated / n, "get_s": read / n}


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    publish(2)  # warm-up: a Prefect home starts its server here
    report(**publish(N), n=N)
