"""Seed "Schedules": the schedule objects Prefect 3 builds (serve itself is long-running).

Prefect 3.8.8 has no `CronSchedule` / `IntervalSchedule` in prefect.schedules (the seed's
import); it has `Cron`, `Interval` and `RRule`, which all return a `Schedule`.
"""

from datetime import timedelta

from prefect.schedules import Cron, Interval, Schedule

cron = Cron("0 8 * * *", timezone="America/New_York")
print(type(cron).__name__, isinstance(cron, Schedule))
print("cron:", cron.cron, cron.timezone, cron.interval, cron.active, cron.day_or)

every_6h = Interval(timedelta(hours=6))
print(type(every_6h).__name__, "interval:", every_6h.interval, every_6h.cron)
print("seconds as a number:", Interval(3600).interval)
