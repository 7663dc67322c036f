"""P115: 1.x schedules and clocks -> `Cron`/`Interval`/`RRule` (a list of them)."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._schedules import build, leftovers, take
from headrace.migrate.rules._util import short


class Schedules1x(Rule):
    code = "P115"
    name = "schedules-1x"
    summary = (
        "1.x schedules and clocks -> `Interval`/`Cron`/`RRule` (a list for `Schedule(clocks=)`)"
    )
    phase = PHASE_1X_DETAILS
    triggers = ("Schedule", "Clock")
    todo_notes = "filters=, adjustments=, DatesClock, end_date= and clock labels (no equivalent)."

    def leave_Call(self, original_node, updated_node):
        qual = self.qualname(updated_node.func) or ""
        if not qual.startswith("prefect.schedules."):
            return updated_node
        kind = qual.rpartition(".")[2]
        call = updated_node
        if kind == "Schedule":
            clocks = take(call, "clocks", 0)
            leftovers(self, call, {"clocks"}, 1)
            if isinstance(clocks, cst.List):
                return clocks
            self.todo(
                f"Schedule clocks {short(clocks) if clocks else ''}: make a list of Cron/Interval"
            )
            return call
        if kind in ("IntervalSchedule", "IntervalClock"):
            # IntervalSchedule(start_date, interval) but IntervalClock(interval, start_date)
            at = (1, 0) if kind == "IntervalSchedule" else (0, 1)
            interval = take(call, "interval", at[0])
            options = {}
            start = take(call, "start_date", at[1])
            if start is not None:
                options["anchor_date"] = start
            defaults = take(call, "parameter_defaults")
            if defaults is not None:
                options["parameters"] = defaults
            leftovers(self, call, {"interval", "start_date", "parameter_defaults"}, 2)
            return build(self, "Interval", interval, options)
        if kind in ("CronSchedule", "CronClock"):
            cron = take(call, "cron", 0)
            options = {}
            for old, new in (("parameter_defaults", "parameters"), ("day_or", "day_or")):
                value = take(call, old)
                if value is not None:
                    options[new] = value
            leftovers(self, call, {"cron", "parameter_defaults", "day_or"}, 1)
            return build(self, "Cron", cron, options)
        if kind in ("RRuleSchedule", "RRuleClock"):
            self.todo("RRule takes an RFC 5545 string: pass str(rrule) and check the start date")
            return build(
                self,
                "RRule",
                cst.Call(
                    func=cst.Name("str"),
                    args=[cst.Arg(take(call, "rrule_obj", 0) or cst.Name("None"))],
                ),
                {},
            )
        if kind in ("DatesClock", "DatesSchedule"):
            self.todo("DatesClock has no equivalent: run the flow on those dates another way")
        return updated_node
