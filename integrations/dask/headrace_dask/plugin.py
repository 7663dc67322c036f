"""headrace plugin: the Dask task runner and its migrate rules (entry point `dask`)."""

from __future__ import annotations

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_task_runners() -> list[type]:
    from headrace_dask.task_runners import DaskTaskRunner

    return [DaskTaskRunner]


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace_dask.migrate import RULES

    return list(RULES)
