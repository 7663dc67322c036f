from prefect import flow, serve
from datetime import timedelta
from prefect.schedules import Interval


@flow
def etl():
    pass


# TODO(headrace-migrate P204): deploy() needs a work pool: create one (or use etl.serve(...) to run in-process)
etl.deploy(name="hourly", schedules=[Interval(timedelta(hours=1))], work_pool_name="default")
etl.deploy(name="daily", work_pool_name="pool")
etl.serve(name="x", schedules=[Interval(3600)])
