"""Shared by P115 (1.x schedules and clocks) and P207 (2.x schedule classes): build
`Cron(...)`, `Interval(...)`, `RRule(...)` from `prefect.schedules`."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import TODO_PREFIX
from headrace.migrate.rules._util import kwarg, make_arg, positional, with_args


def build(
    rule, kind: str, first: cst.BaseExpression | None, options: dict[str, cst.BaseExpression]
) -> cst.Call:
    """`kind(first, **options)` with the import added."""
    rule.add_import("prefect.schedules", kind)
    args = [cst.Arg(first)] if first is not None else []
    args += [make_arg(k, v) for k, v in options.items()]
    return with_args(cst.Call(func=cst.Name(kind)), args)


def take(call: cst.Call, name: str, index: int | None = None) -> cst.BaseExpression | None:
    arg = kwarg(call, name) or (positional(call, index) if index is not None else None)
    return arg.value if arg else None


_WHY = {
    "labels": "labels picked an agent: runs go to the deployment's work pool now",
    "filters": "filter the dates in the flow, or use an RRule",
    "adjustments": "adjust the time in the flow, or use an RRule",
}


def leftovers(rule, call: cst.Call, used: set[str], positions: int) -> None:
    """A TODO for every kind of argument the mapping did not use (one per statement and
    option: a schedule of twenty labelled clocks needs one note, not twenty)."""
    plain = [a for a in call.args if a.keyword is None]
    for arg in call.args:
        key = arg.keyword.value if arg.keyword is not None else None
        if key == "labels":  # the same for every clock: said once, at the top of the file
            note = f"{TODO_PREFIX}{rule.code}): schedule option labels= dropped: {_WHY[key]}"
            if note not in rule.ctx.module_todos and not rule.ctx.already_has(note):
                rule.ctx.module_todos.append(note)
        elif key is not None and key not in used:
            why = _WHY.get(key, "no equivalent")
            rule.todo(f"schedule option {key}= dropped: {why}")
    if len(plain) > positions:
        rule.todo("extra positional schedule arguments dropped")
