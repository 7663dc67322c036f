"""P106: the other renamed task options: timeout, log_stdout, checkpoint, cache_for, ..."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rules._task_options import TaskOptionsRule
from headrace.migrate.rules._util import code, make_arg, short, timedelta_seconds

#: 1.x cache validators -> (cache policy expression, names to import from cache_policies)
_VALIDATORS = {
    "all_inputs": ("INPUTS + TASK_SOURCE", ("INPUTS", "TASK_SOURCE")),
    "all_parameters": ("FLOW_PARAMETERS", ("FLOW_PARAMETERS",)),
    "duration_only": ("TASK_SOURCE", ("TASK_SOURCE",)),
    "never_use": ("NO_CACHE", ("NO_CACHE",)),
}


class TaskOptions(TaskOptionsRule):
    code = "P106"
    name = "task-options"
    summary = (
        "`timeout`, `log_stdout`, `checkpoint`, `cache_for`, `cache_validator`, `nout`, "
        "`slug`, `skip_on_upstream_skip` -> current options"
    )
    triggers = (
        "timeout=",
        "log_stdout",
        "checkpoint",
        "cache_for",
        "cache_validator",
        "nout",
        "skip_on_upstream_skip",
        "slug=",
        "cache_key=",
    )
    options = frozenset(
        {
            "timeout",
            "log_stdout",
            "checkpoint",
            "cache_for",
            "cache_validator",
            "nout",
            "skip_on_upstream_skip",
            "slug",
            "cache_key",
        }
    )
    todo_notes = (
        "skip_on_upstream_skip (no skipped state any more), custom cache validators, "
        "cache_key=, and whether the cache policy chosen for cache_for fits."
    )

    def convert(self, key: str, arg: cst.Arg) -> list[cst.Arg]:
        value = arg.value
        if key == "timeout":
            return [make_arg("timeout_seconds", timedelta_seconds(value, self.is_timedelta))]
        if key == "log_stdout":
            return [make_arg("log_prints", value)]
        if key == "checkpoint":
            return [make_arg("persist_result", value)]
        if key in ("nout", "slug"):
            return []
        if key == "cache_for":
            self.add_import("prefect.cache_policies", "TASK_SOURCE")
            self.todo(
                "cache_for became cache_expiration with cache_policy=TASK_SOURCE (1.x cached "
                "by duration only); use INPUTS + TASK_SOURCE if results depend on inputs"
            )
            return [
                make_arg("cache_expiration", value),
                make_arg("cache_policy", cst.Name("TASK_SOURCE")),
            ]
        if key == "cache_validator":
            name = code(value).rpartition(".")[2]
            if name in _VALIDATORS:
                policy, names = _VALIDATORS[name]
                for n in names:
                    self.add_import("prefect.cache_policies", n)
                return [make_arg("cache_policy", cst.parse_expression(policy))]
            self.todo(
                f"cache_validator={short(value)} dropped: write a cache_key_fn or a cache policy"
            )
            return []
        if key == "cache_key":
            self.todo(f"cache_key={short(value)} dropped: use cache_key_fn=lambda ctx, args: ...")
            return []
        self.todo(
            f"skip_on_upstream_skip={short(value)} dropped: there is no Skipped state; "
            "branch with if/else in the flow instead"
        )
        return []
