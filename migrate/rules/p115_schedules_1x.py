"""P115: 1.x schedules and clocks -> `Cron`/`Interval`/`RRule` (a list of them)."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._schedules import build, leftovers, take
from headrace.migrate.rules._util import code, kwarg, short


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
            used = {"cron", "parameter_defaults", "day_or"}
            zone = _past_start_zone(take(call, "start_date", 1))
            if zone is not None:  # a past anchor only carried the time zone
                used.add("start_date")
                if zone is not _NO_ZONE:
                    options["timezone"] = zone
            leftovers(self, call, used, 2 if zone is not None else 1)
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


_NO_ZONE = cst.Name("None")
_ZONE_FUNCS = {"timezone", "ZoneInfo", "gettz"}


def _past_start_zone(start: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """For `start_date=datetime(2021, ..., tzinfo=timezone(X))`: X (or _NO_ZONE without a
    tzinfo). A cron clock started in the past fires as a Cron does; only the zone
    matters. None for anything else (kept as a TODO)."""
    if not (isinstance(start, cst.Call) and code(start.func).rpartition(".")[2] == "datetime"):
        return None
    year = start.args[0].value if start.args and start.args[0].keyword is None else None
    if not (isinstance(year, cst.Integer) and int(year.value) <= _PAST_YEAR):
        return None
    tz = kwarg(start, "tzinfo")
    if tz is None:
        return _NO_ZONE
    zone = tz.value
    if (
        isinstance(zone, cst.Call)
        and code(zone.func).rpartition(".")[2] in _ZONE_FUNCS
        and len(zone.args) == 1
    ):
        return zone.args[0].value
    return None


#: start dates up to this year are in the past for any run of this tool
_PAST_YEAR = 2025
