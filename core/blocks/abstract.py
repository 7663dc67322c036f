"""Prefect's abstract block bases at Prefect's path (`prefect.blocks.abstract`), for
plugin and library authors who subclass them: `CredentialsBlock` and the
notification-block interface (defined in `headrace.blocks.notifications`)."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

from headrace.blocks.core import Block
from headrace.blocks.notifications import NotificationBlock, NotificationError

__all__ = [
    "CredentialsBlock",
    "DatabaseBlock",
    "JobBlock",
    "JobRun",
    "NotificationBlock",
    "NotificationError",
    "ObjectStorageBlock",
    "SecretBlock",
]


class CredentialsBlock(Block):
    """Credentials for an external system that hand out a client for it (`get_client`)."""

    @property
    def logger(self) -> logging.Logger | logging.LoggerAdapter:
        """The run's logger inside a flow or task run, else one named after the class."""
        from headrace.exceptions import MissingContextError
        from headrace.logging import get_run_logger

        try:
            return get_run_logger()
        except MissingContextError:
            return logging.getLogger(f"headrace.blocks.{type(self).__name__}")

    @abstractmethod
    def get_client(self, *args: Any, **kwargs: Any) -> Any:
        """A client for the external system."""


LoggerOrAdapter = logging.Logger | logging.LoggerAdapter
T = TypeVar("T")


def _block_logger(owner: object) -> LoggerOrAdapter:
    """The run's logger inside a flow or task run, else one named after the class."""
    from headrace.exceptions import MissingContextError
    from headrace.logging import get_run_logger

    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(f"headrace.blocks.{type(owner).__name__}")


class JobRun(ABC, Generic[T]):
    """A job started by a `JobBlock` (not itself a block): wait for it, then fetch its result."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return _block_logger(self)

    @abstractmethod
    def wait_for_completion(self) -> Any:
        """Block until the job has finished."""

    @abstractmethod
    def fetch_result(self) -> T:
        """The job's result, once it has finished."""


class JobBlock(Block, ABC, Generic[T]):
    """A block that starts jobs in an external system (`trigger()` returns a JobRun)."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return _block_logger(self)

    @abstractmethod
    def trigger(self) -> JobRun[T]:
        """Start a job; the run is followed through the JobRun returned."""


class DatabaseBlock(Block, ABC):
    """A block that talks to a database: fetch and execute operations, as a context
    manager that closes its connections."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return _block_logger(self)

    @abstractmethod
    def fetch_one(
        self, operation: str, parameters: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[Any, ...]:
        """One row of the operation's result."""

    @abstractmethod
    def fetch_many(
        self,
        operation: str,
        parameters: dict[str, Any] | None = None,
        size: int | None = None,
        **kwargs: Any,
    ) -> list[tuple[Any, ...]]:
        """Up to `size` rows."""

    @abstractmethod
    def fetch_all(
        self, operation: str, parameters: dict[str, Any] | None = None, **kwargs: Any
    ) -> list[tuple[Any, ...]]:
        """Every row."""

    @abstractmethod
    def execute(
        self, operation: str, parameters: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        """Run an operation that returns no rows."""

    @abstractmethod
    def execute_many(
        self, operation: str, seq_of_parameters: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Run an operation once per parameter set."""

    def __enter__(self) -> DatabaseBlock:
        return self

    def __exit__(self, *exc: object) -> None:
        close = getattr(self, "close", None)
        if callable(close):
            close()

    async def __aenter__(self) -> DatabaseBlock:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.__exit__(*exc)


class ObjectStorageBlock(Block, ABC):
    """A block for object storage (buckets): download and upload objects and folders."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return _block_logger(self)

    @abstractmethod
    def download_object_to_path(
        self, from_path: str, to_path: str | Path, **kwargs: Any
    ) -> Path: ...

    @abstractmethod
    def download_object_to_file_object(
        self, from_path: str, to_file_object: BinaryIO, **kwargs: Any
    ) -> BinaryIO: ...

    @abstractmethod
    def download_folder_to_path(
        self, from_folder: str, to_folder: str | Path, **kwargs: Any
    ) -> Path: ...

    @abstractmethod
    def upload_from_path(self, from_path: str | Path, to_path: str, **kwargs: Any) -> str: ...

    @abstractmethod
    def upload_from_file_object(
        self, from_file_object: BinaryIO, to_path: str, **kwargs: Any
    ) -> str: ...

    @abstractmethod
    def upload_from_folder(self, from_folder: str | Path, to_folder: str, **kwargs: Any) -> str: ...


class SecretBlock(Block, ABC):
    """A block that reads and writes one secret in a secret manager."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return _block_logger(self)

    @abstractmethod
    def read_secret(self) -> bytes:
        """The secret's current value."""

    @abstractmethod
    def write_secret(self, secret_data: bytes) -> str:
        """Store a new value; returns where (e.g. the secret version's path)."""
