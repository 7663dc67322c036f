"""Prefect's abstract block bases at Prefect's path (`prefect.blocks.abstract`), for
plugin and library authors who subclass them.

Each base declares the methods its kind of block offers; a subclass implements them, as
plain methods (headrace's blocks are synchronous) or as coroutines. The notification
interface itself lives in `headrace.blocks.notifications` and is re-exported here.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

from headrace.blocks.core import Block
from headrace.blocks.notifications import NotificationBlock, NotificationError, block_logger

__all__ = [
    "CredentialsBlock",
    "DatabaseBlock",
    "JobBlock",
    "JobRun",
    "LoggerOrAdapter",
    "NotificationBlock",
    "NotificationError",
    "ObjectStorageBlock",
    "SecretBlock",
]

T = TypeVar("T")
LoggerOrAdapter = logging.Logger | logging.LoggerAdapter


class CredentialsBlock(Block):
    """Credentials for an external system that hand out a client for it (`get_client`)."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return block_logger(self)

    @abstractmethod
    def get_client(self, *args: Any, **kwargs: Any) -> Any:
        """A client for the external system."""


class JobRun(ABC, Generic[T]):  # not a block: what `JobBlock.trigger` hands back
    """One run of a job in an external system."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return block_logger(self)

    @abstractmethod
    def wait_for_completion(self) -> Any:
        """Wait until the job run finishes."""

    @abstractmethod
    def fetch_result(self) -> T:
        """The finished job run's result."""


class JobBlock(Block, Generic[T]):
    """A job in an external system that can be started (`trigger`) and waited on."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return block_logger(self)

    @abstractmethod
    def trigger(self) -> JobRun[T]:
        """Start the job; returns its run."""


class DatabaseBlock(Block):
    """A database, queried with PEP 249 style operations and parameters."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return block_logger(self)

    @abstractmethod
    def fetch_one(
        self, operation: str, parameters: dict[str, Any] | None = None, **execution_kwargs: Any
    ) -> tuple[Any, ...]:
        """The first row the operation returns."""

    @abstractmethod
    def fetch_many(
        self,
        operation: str,
        parameters: dict[str, Any] | None = None,
        size: int | None = None,
        **execution_kwargs: Any,
    ) -> list[tuple[Any, ...]]:
        """Up to `size` rows the operation returns."""

    @abstractmethod
    def fetch_all(
        self, operation: str, parameters: dict[str, Any] | None = None, **execution_kwargs: Any
    ) -> list[tuple[Any, ...]]:
        """Every row the operation returns."""

    @abstractmethod
    def execute(
        self, operation: str, parameters: dict[str, Any] | None = None, **execution_kwargs: Any
    ) -> None:
        """Run an operation that returns no rows (INSERT, UPDATE, DDL)."""

    @abstractmethod
    def execute_many(
        self, operation: str, seq_of_parameters: list[dict[str, Any]], **execution_kwargs: Any
    ) -> None:
        """Run an operation once per parameter set."""


class ObjectStorageBlock(Block):
    """Storage of objects by path: download and upload objects, files and folders."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return block_logger(self)

    @abstractmethod
    def download_object_to_path(
        self, from_path: str, to_path: str | Path, **download_kwargs: Any
    ) -> Path:
        """Download one object to a local path."""

    @abstractmethod
    def download_object_to_file_object(
        self, from_path: str, to_file_object: BinaryIO, **download_kwargs: Any
    ) -> BinaryIO:
        """Download one object into a binary file object."""

    @abstractmethod
    def download_folder_to_path(
        self, from_folder: str, to_folder: str | Path, **download_kwargs: Any
    ) -> Path:
        """Download every object under a folder to a local folder."""

    @abstractmethod
    def upload_from_path(self, from_path: str | Path, to_path: str, **upload_kwargs: Any) -> str:
        """Upload a local file; returns where it went."""

    @abstractmethod
    def upload_from_file_object(
        self, from_file_object: BinaryIO, to_path: str, **upload_kwargs: Any
    ) -> str:
        """Upload a binary file object; returns where it went."""

    @abstractmethod
    def upload_from_folder(
        self, from_folder: str | Path, to_folder: str | None = None, **upload_kwargs: Any
    ) -> str:
        """Upload a local folder; returns where it went."""


class SecretBlock(Block):
    """A secret kept in an external system (a vault, a cloud secret manager)."""

    @property
    def logger(self) -> LoggerOrAdapter:
        return block_logger(self)

    @abstractmethod
    def read_secret(self) -> bytes:
        """The secret's current value."""

    @abstractmethod
    def write_secret(self, secret_data: bytes) -> str:
        """Store a new value; returns where (or which version) it was written."""
