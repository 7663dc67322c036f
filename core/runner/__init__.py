"""Prefect's `prefect.runner`: the `Runner` that serves deployments in this process, and
`headrace.runner.storage`, where `Flow.from_source` gets code from."""

from typing import Any

__all__ = ["Runner"]


def __getattr__(name: str) -> Any:
    # deferred: headrace.deployments imports headrace.runner.storage, so this package
    # cannot import headrace.deployments while it loads
    if name == "Runner":
        from headrace.deployments.serving import Runner

        return Runner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
