"""Prefect's `prefect.runner`: the `Runner` that serves deployments in this process, and
`headrace.runner.storage`, where `Flow.from_source` gets code from."""

from headrace.deployments.serving import Runner

__all__ = ["Runner"]
