"""The legacy ETL flow: a `with Flow` block, Parameters, case/merge, a class task."""
from prefect import Flow, Parameter, case
from prefect.executors import LocalDaskExecutor
from prefect.schedules import IntervalSchedule
from prefect.tasks.control_flow import merge
from datetime import timedelta

from flows.tasks import Square, extract, is_big, small_report, summarize

schedule = IntervalSchedule(interval=timedelta(hours=1))

with Flow("etl", executor=LocalDaskExecutor(scheduler="threads", num_workers=4), schedule=schedule) as flow:
    n = Parameter("n", default=3)
    rows = extract(n)
    squared = Square(max_retries=1)(rows)
    big = is_big(squared)
    with case(big, True):
        total = summarize(squared)
    with case(big, False):
        note = small_report(squared)
    outcome = merge(total, note)

if __name__ == "__main__":
    import sys

    flow.run(parameters={"n": int(sys.argv[1]) if len(sys.argv) > 1 else 3}, run_on_schedule=False)
