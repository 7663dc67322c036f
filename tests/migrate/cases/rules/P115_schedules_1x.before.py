from datetime import timedelta
from prefect.schedules import Schedule
from prefect.schedules.clocks import CronClock, IntervalClock

schedule = Schedule(clocks=[CronClock("0 6 * * *", parameter_defaults={"n": 1}), IntervalClock(timedelta(hours=1))])
