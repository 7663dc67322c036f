"""Prefect's `prefect.runner.storage`: where `Flow.from_source` gets code from (the
storages live in `headrace.deployments.storage`)."""

from headrace.deployments.storage import (
    BlockStorageAdapter,
    GitRepository,
    LocalStorage,
    RunnerStorage,
    create_storage_from_source,
)

__all__ = [
    "BlockStorageAdapter",
    "GitRepository",
    "LocalStorage",
    "RunnerStorage",
    "create_storage_from_source",
]
