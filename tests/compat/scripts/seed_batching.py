"""Seed "Performance tuning": the batched fan-out with submit and islice."""

from itertools import islice

from prefect import flow, task


@task
def process_row(row):
    return row * 2


@task
def process_batch(batch):
    return [r * 2 for r in batch]


@flow
def slow(rows):
    return [process_row(r) for r in rows]


@flow
def fast(rows):
    futures = []
    it = iter(rows)
    while batch := list(islice(it, 100)):
        futures.append(process_batch.submit(batch))
    return [r for f in futures for r in f.result()]


print(slow(list(range(5))))
out = fast(list(range(1000)))
print(len(out), out[:5], out[-1])
