"""A plugin whose hook returns something other than the list of classes its spec asks for."""

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_task_runners() -> list[type]:
    return ["ThreadPoolTaskRunner"]  # a name, not a TaskRunner subclass
