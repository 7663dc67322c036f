"""headrace plugin: the Ray task runner and its migrate rule (entry point `ray`)."""

from __future__ import annotations

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_task_runners() -> list[type]:
    from headrace_ray.task_runners import RayTaskRunner

    return [RayTaskRunner]


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace_ray.migrate import RULES

    return list(RULES)
