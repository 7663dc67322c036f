"""Result persistence: where `persist_result` and caching keep task and flow results.

A result is one file in the result storage (any object with `read_path`/`write_path`,
such as a LocalFileSystem or S3Bucket block), named by its cache key or a random key.
The file holds a one-line JSON header (serializer, expiry) and then the payload, so
another process can use a cached result without asking the store. A `ResultRecord`
stands for one such file in a state's data and loads it on first use.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from headrace.exceptions import MissingResult
from headrace.serializers import Serializer, resolve_serializer
from headrace.settings import get_settings
from headrace.states import StoredResult
from headrace.utilities import clock


class StorageLike(Protocol):
    def read_path(self, path: str) -> bytes: ...

    def write_path(self, path: str, content: bytes) -> Any: ...


class LocalResultStorage:
    """The default result storage: files under `$HEADRACE_HOME/storage`, written atomically."""

    def __init__(self, basepath: str | os.PathLike[str]) -> None:
        self.basepath = Path(basepath).expanduser()

    def read_path(self, path: str) -> bytes:
        return (self.basepath / path).read_bytes()

    def write_path(self, path: str, content: bytes) -> str:
        target = self.basepath / path
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return str(target)

    def __repr__(self) -> str:
        return f"LocalResultStorage({str(self.basepath)!r})"


def resolve_storage(value: Any) -> StorageLike:
    """Storage from a block, a `"slug/name"` block reference, a path, or None (default)."""
    if value is None:
        return LocalResultStorage(get_settings().results_path)
    if isinstance(value, Path):
        return LocalResultStorage(value)
    if isinstance(value, str):
        if "/" in value and not value.startswith(("/", ".", "~")):
            # deferred: blocks import pydantic (~100 ms), which only a block reference needs
            from headrace.blocks.core import resolve_block_reference

            return resolve_block_reference(value)
        return LocalResultStorage(value)
    if hasattr(value, "read_path") and hasattr(value, "write_path"):
        return value
    raise TypeError(
        f"result_storage must be a storage block, a 'block-type/name' string or a path, "
        f"not {type(value).__name__}"
    )


class ResultRecord(StoredResult):
    """A persisted result: loads its value from storage on first use."""

    __slots__ = ("key", "storage", "serializer", "expiration", "_value", "_loaded")

    def __init__(
        self,
        key: str,
        storage: StorageLike,
        serializer: Serializer,
        expiration: float | None,
        value: Any = None,
        loaded: bool = False,
    ) -> None:
        self.key = key
        self.storage = storage
        self.serializer = serializer
        self.expiration = expiration
        self._value = value
        self._loaded = loaded

    def load(self) -> Any:
        if not self._loaded:
            found = ResultStore(self.storage, self.serializer).read(self.key, honour_expiry=False)
            if found is None:
                raise MissingResult(f"The result {self.key!r} is no longer in {self.storage!r}.")
            self._value, self._loaded = found._value, True
        return self._value

    def __repr__(self) -> str:
        return f"ResultRecord(key={self.key!r}, storage={self.storage!r})"


class ResultStore:
    """Writes and reads result files in one storage with one serializer."""

    def __init__(self, storage: Any = None, serializer: str | Serializer | None = None) -> None:
        self.storage = resolve_storage(storage)
        self.serializer = resolve_serializer(serializer)

    def write(
        self, value: Any, key: str | None = None, expiration: float | None = None
    ) -> ResultRecord:
        key = key or os.urandom(16).hex()  # what uuid4().hex gave, without importing uuid
        header = {
            "serializer": self.serializer.type,
            "expiration": expiration,
            "created": clock.now(),
        }
        blob = json.dumps(header).encode() + b"\n" + self.serializer.dumps(value)
        self.storage.write_path(key, blob)
        return ResultRecord(key, self.storage, self.serializer, expiration, value, loaded=True)

    def read(self, key: str, honour_expiry: bool = True) -> ResultRecord | None:
        """The record for `key`, or None if there is none (or it has expired)."""
        try:
            blob = self.storage.read_path(key)
        except (FileNotFoundError, KeyError):
            # storage blocks raise FileNotFoundError (or a subclass such as PathNotFound)
            return None
        header_line, _, payload = blob.partition(b"\n")
        try:
            header = json.loads(header_line)
        except ValueError:
            return None
        expiration = header.get("expiration")
        if honour_expiry and expiration is not None and expiration <= clock.now():
            return None
        serializer = resolve_serializer(header.get("serializer"))
        value = serializer.loads(payload)
        return ResultRecord(key, self.storage, serializer, expiration, value, loaded=True)
