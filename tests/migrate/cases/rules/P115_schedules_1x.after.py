from datetime import timedelta
from prefect.schedules import Cron, Interval

schedule = [Cron("0 6 * * *", parameters={"n": 1}), Interval(timedelta(hours=1))]
