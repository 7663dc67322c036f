"""P207: 2.x schedule classes -> `Cron`/`Interval`/`RRule`; `schedule=` on `serve`/`deploy`
-> `schedules=[...]`."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_2X, Rule
from headrace.migrate.rules._schedules import build, leftovers, take
from headrace.migrate.rules._util import make_arg, with_args

_MODULES = (
    "prefect.client.schemas.schedules",
    "prefect.server.schemas.schedules",
    "prefect.orion.schemas.schedules",
)
_KINDS = {
    "CronSchedule": ("Cron", "cron"),
    "IntervalSchedule": ("Interval", "interval"),
    "RRuleSchedule": ("RRule", "rrule"),
}
_METHODS = {"serve", "deploy", "to_deployment"}


class Schedules2x(Rule):
    code = "P207"
    name = "schedules-2x"
    summary = "2.x `CronSchedule`/`IntervalSchedule`/`RRuleSchedule` -> `Cron`/`Interval`/`RRule`"
    phase = PHASE_2X
    triggers = ("Schedule", "schedule=")

    def leave_Call(self, original_node, updated_node):
        qual = self.qualname(updated_node.func) or ""
        module, _, kind = qual.rpartition(".")
        if module in _MODULES and kind in _KINDS:
            new, first = _KINDS[kind]
            options = {}
            for key in ("timezone", "anchor_date", "day_or"):
                value = take(updated_node, key)
                if value is not None:
                    options[key] = value
            leftovers(self, updated_node, {first, "timezone", "anchor_date", "day_or"}, 1)
            return build(self, new, take(updated_node, first, 0), options)
        func = updated_node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _METHODS:
            args = []
            for arg in updated_node.args:
                if arg.keyword and arg.keyword.value == "schedule":
                    arg = make_arg("schedules", cst.List([cst.Element(arg.value)]))
                args.append(arg)
            if args != list(updated_node.args):
                return with_args(updated_node, args)
        return updated_node
