"""Seed "Schedules": the schedule objects Prefect 3 builds (serve itself is long-running).

Prefect 3.8.8 has no `CronSchedule` / `IntervalSchedule` in prefect.schedules (the seed's
import); it has `Cron`, `Interval` and `RRule`, which all return a `Schedule`.
Only what users touch is printed, not the class names.
"""

from datetime import timedelta

from prefect.schedules import Cron, Interval, Schedule

cron = Cron("0 8 * * *", timezone="America/New_York")
print("is a Schedule:", isinstance(cron, Schedule))
print("cron:", cron.cron, cron.timezone, cron.active, cron.day_or)

every_6h = Interval(timedelta(hours=6))
print("is a Schedule:", isinstance(every_6h, Schedule), "interval:", every_6h.interval)
print("seconds as a number:", Interval(3600).interval)
