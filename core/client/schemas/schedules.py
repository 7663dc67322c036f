"""Prefect's client-side schedule names: the schedules of `headrace.schedules`.

A deployment's `schedules` hold one `DeploymentScheduleCreate` per schedule; its
`.schedule` is one of these."""

from headrace.schedules import (
    Cron as CronSchedule,
)
from headrace.schedules import (
    Interval as IntervalSchedule,
)
from headrace.schedules import (
    RRule as RRuleSchedule,
)
from headrace.schedules import (
    Schedule,
    schedule_from_dict,
)

SCHEDULE_TYPES = (IntervalSchedule, CronSchedule, RRuleSchedule)

__all__ = [
    "SCHEDULE_TYPES",
    "CronSchedule",
    "IntervalSchedule",
    "RRuleSchedule",
    "Schedule",
    "schedule_from_dict",
]
