"""A plugin whose hook takes an argument the hook spec does not provide."""

from headrace.plugins import hookimpl


@hookimpl
def register_commands(group):  # the spec's argument is `cli`
    raise AssertionError("never called: the plugin is refused on load")
