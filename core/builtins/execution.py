"""headrace's own runtime features, registered through the public plugin hooks.

Kept apart from the modules it registers so that importing the runtime does not
import pluggy; the plugin manager loads this module (see `plugins/defaults.py`).
"""

from __future__ import annotations

from typing import Any

from headrace.plugins.hookspecs import hookimpl


@hookimpl
def register_task_runners() -> list[type[Any]]:
    # deferred: loading a plugin must not import the runtime; the hook does
    from headrace.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    return [ThreadPoolTaskRunner, ProcessPoolTaskRunner]


@hookimpl
def register_result_serializers() -> list[type[Any]]:
    # deferred: as above
    from headrace.serializers import CompressedPickleSerializer, JSONSerializer, PickleSerializer

    return [PickleSerializer, JSONSerializer, CompressedPickleSerializer]
