"""Result persistence: where `persist_result` and caching keep task and flow results.

A `ResultStore` writes `ResultRecord`s (a value plus its `ResultRecordMetadata`: storage
key, serializer, expiration) to a result storage (any object with `read_path` and
`write_path`, such as a LocalFileSystem or S3Bucket block). A record file is one line of
JSON metadata, a newline, then the serialized value, so another process can use a cached
result without asking the store. With a separate `metadata_storage` the metadata goes
there and the result storage holds only the serialized value.

The default storage is a directory (`PREFECT_LOCAL_STORAGE_PATH`, by default
`$HEADRACE_HOME/storage`), written through a small file writer; the LocalFileSystem block
users see as `result_store.result_storage` is only built when asked for, so running a
flow does not import the block machinery (pydantic).
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from headrace.context import ACTIVE_TRANSACTION, FlowRunContext, TaskRunContext
from headrace.exceptions import ConfigurationError
from headrace.serializers import Serializer, resolve_serializer, serializer_from_dict
from headrace.settings import get_current_settings
from headrace.states import StoredResult
from headrace.utilities.asyncutils import async_dispatch, call_sync

if TYPE_CHECKING:
    from headrace.flows import Flow
    from headrace.tasks import Task


logger = logging.getLogger("headrace.results")

#: what `result_storage=` and `result_serializer=` accept (Prefect's type aliases)
ResultStorage = Any  # a storage block, a "block-type/name" reference, or a path
ResultSerializer = Any  # a Serializer or its name
#: types whose values Prefect keeps in the state itself rather than in storage
LITERAL_TYPES: set[type] = {type(None), bool}


def default_cache() -> OrderedDict[str, ResultRecord]:
    """A fresh in-memory record cache (an LRU of 1000 records in `ResultStore`)."""
    return OrderedDict()


class StorageLike(Protocol):
    def read_path(self, path: str) -> bytes: ...

    def write_path(self, path: str, content: bytes) -> Any: ...


class LocalResultStorage:
    """A directory written through plain files, atomically (the default result storage)."""

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


def DEFAULT_STORAGE_KEY_FN() -> str:  # noqa: N802 - Prefect's name
    """A random storage key (what uuid4().hex gives, without importing uuid)."""
    return os.urandom(16).hex()


# -- default storage, serializer, persistence --------------------------------------------
#: LocalFileSystem blocks (or loaded default blocks) built for the default storage, per
#: (default block, local path): the peer suite and tests clear it
_default_storages: dict[tuple[str, str, str], Any] = {}
_local_writers: dict[str, LocalResultStorage] = {}


def _default_target() -> tuple[str | None, Path]:
    results = get_current_settings().results
    return results.default_storage_block, results.local_storage_path


async def aget_default_result_storage() -> Any:
    """`get_default_result_storage` for async code."""
    return get_default_result_storage(_sync=True)


@async_dispatch(aget_default_result_storage)
def get_default_result_storage() -> Any:
    """The storage block results go to when none is chosen: the block named by
    `PREFECT_DEFAULT_RESULT_STORAGE_BLOCK`, else a LocalFileSystem at
    `PREFECT_LOCAL_STORAGE_PATH`."""
    block, path = _default_target()
    key = (str(block), str(path), "None")
    storage = _default_storages.get(key)
    if storage is None:
        if block is not None:
            storage = resolve_result_storage(block, _sync=True)
        else:
            from headrace.filesystems import LocalFileSystem

            storage = LocalFileSystem(basepath=str(path))
        _default_storages[key] = storage
    return storage


def _default_io() -> Any:
    """What default-storage reads and writes go through (no block for the local path)."""
    block, path = _default_target()
    if block is not None:
        return get_default_result_storage(_sync=True)
    writer = _local_writers.get(str(path))
    if writer is None:
        writer = _local_writers[str(path)] = LocalResultStorage(path)
    return writer


def _read_server_default_result_storage_block_id() -> Any:
    """The default result storage a Prefect server may configure; headrace's store and
    server have no such setting (`PREFECT_DEFAULT_RESULT_STORAGE_BLOCK` is the way)."""
    return None


async def _aread_server_default_result_storage_block_id() -> Any:
    return None


def get_default_result_serializer() -> Serializer:
    """The serializer named by `PREFECT_RESULTS_DEFAULT_SERIALIZER` (default: pickle)."""
    return resolve_serializer(get_current_settings().results.default_serializer)


def get_default_persist_setting() -> bool:
    """`PREFECT_RESULTS_PERSIST_BY_DEFAULT`."""
    return get_current_settings().results.persist_by_default


def get_default_persist_setting_for_tasks() -> bool:
    """`PREFECT_TASKS_DEFAULT_PERSIST_RESULT`, else `PREFECT_RESULTS_PERSIST_BY_DEFAULT`."""
    settings = get_current_settings()
    task_default = settings.tasks.default_persist_result
    return settings.results.persist_by_default if task_default is None else task_default


def should_persist_result() -> bool:
    """Whether the current task or flow run persists its result (outside any run: the
    `PREFECT_RESULTS_PERSIST_BY_DEFAULT` setting)."""
    ctx = TaskRunContext.get() or FlowRunContext.get()
    if ctx is not None:
        return bool(getattr(ctx, "persist_result", False))
    return get_default_persist_setting()


def _get_default_persist_result() -> bool:
    """Inside a run, the run's choice; outside, the setting, or True when a default
    storage block is configured (results have somewhere shared to go)."""
    persist = should_persist_result()
    if persist or TaskRunContext.get() is not None or FlowRunContext.get() is not None:
        return persist
    return get_current_settings().results.default_storage_block is not None


def flow_persists(flow: Flow, parent_persist: bool | None) -> bool:
    """Prefect 3's rule for a flow run: its own `persist_result`; True if it names a
    result storage or serializer; else its parent flow's choice; else the settings."""
    if flow.persist_result is not None:
        return bool(flow.persist_result)
    if flow.result_storage is not None or flow.result_serializer is not None:
        return True
    if parent_persist is not None:
        return parent_persist
    return _get_default_persist_result()


def task_persists(task: Task, flow_persist: bool | None, task_default: bool | None) -> bool:
    """Prefect 3's rule for a task run: its own `persist_result`; True if it asks for
    caching or names where or how to store; else `PREFECT_TASKS_DEFAULT_PERSIST_RESULT`
    (`task_default`); else the flow run's choice; else the settings."""
    if task.persist_result is not None:
        return bool(task.persist_result)
    if (
        task.cache_key_fn is not None
        or task.result_storage_key is not None
        or task.result_storage is not None
        or task.result_serializer is not None
    ):
        return True
    if task_default is not None:
        return task_default
    if flow_persist is not None:
        return flow_persist
    return get_default_persist_setting()


# -- resolving storage ------------------------------------------------------------------
async def aresolve_result_storage(result_storage: Any) -> Any:
    """`resolve_result_storage` for async code."""
    return resolve_result_storage(result_storage, _sync=True)


@async_dispatch(aresolve_result_storage)
def resolve_result_storage(result_storage: Any) -> Any:
    """A storage block from a block, a `"block-type/name"` reference, a block document id
    or a path (a LocalFileSystem there)."""
    import uuid

    if hasattr(result_storage, "read_path") and hasattr(result_storage, "write_path"):
        return result_storage
    if isinstance(result_storage, Path) or (
        isinstance(result_storage, str) and _looks_like_path(result_storage)
    ):
        from headrace.filesystems import LocalFileSystem

        return LocalFileSystem(basepath=str(result_storage))
    if isinstance(result_storage, str):
        from headrace.blocks.core import Block

        return Block.load(result_storage, _sync=True)
    if isinstance(result_storage, uuid.UUID):
        from headrace.blocks import documents
        from headrace.blocks.core import load_document
        from headrace.store import get_store

        store = get_store()
        return load_document(store, documents.get_by_id(store, str(result_storage)))
    raise TypeError(
        "Result storage must be one of the following types: 'UUID', 'Block', "
        f"'str'. Got unsupported type {type(result_storage).__name__!r}."
    )


def _looks_like_path(value: str) -> bool:
    return "/" not in value or value.startswith(("/", ".", "~")) or value.count("/") != 1


def resolve_storage(value: Any) -> StorageLike:
    """Storage for reads and writes: a block, a reference, a path, or None (default)."""
    if value is None:
        return _default_io()
    if isinstance(value, (str, Path)) and (isinstance(value, Path) or _looks_like_path(value)):
        return LocalResultStorage(value)
    return resolve_result_storage(value, _sync=True)


def _result_storage_is_configured_for_remote_retrieval(
    flow_result_storage: Any, current_result_storage: Any
) -> bool:
    """Whether another process could read this flow's result: storage was chosen for
    the flow, or the storage in use is not a local directory."""
    if flow_result_storage is not None:
        return True
    if current_result_storage is None:
        return False
    from headrace.filesystems import LocalFileSystem

    return not isinstance(current_result_storage, (LocalFileSystem, LocalResultStorage))


# -- records ------------------------------------------------------------------------------
def _to_datetime(value: Any) -> _dt.datetime | None:
    if value is None or isinstance(value, _dt.datetime):
        return value
    if isinstance(value, (int, float)):
        return _dt.datetime.fromtimestamp(value, tz=_dt.timezone.utc)
    if isinstance(value, str):
        return _dt.datetime.fromisoformat(value)
    raise TypeError(f"expiration must be a datetime, not {type(value).__name__}")


def _timestamp(value: _dt.datetime | None) -> float | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.timestamp()


def _now() -> float:
    """Now, as result expiry sees it (`headrace.types._datetime.now`, which tests patch)."""
    from headrace.types import now_timestamp

    return now_timestamp()


class ResultRecordMetadata(StoredResult):
    """Where a result is and how to read it: storage key, serializer, expiration and the
    storage block's document id. In a state's data it stands for the stored result."""

    __slots__ = ("storage_key", "serializer", "expiration", "storage_block_id", "prefect_version")

    def __init__(
        self,
        storage_key: str | None = None,
        serializer: Serializer | str | dict[str, Any] | None = None,
        expiration: _dt.datetime | float | None = None,
        storage_block_id: Any = None,
        prefect_version: str | None = None,
    ) -> None:
        self.storage_key = storage_key
        if isinstance(serializer, dict):
            serializer = serializer_from_dict(serializer)
        self.serializer = resolve_serializer(serializer)
        self.expiration = _to_datetime(expiration)
        self.storage_block_id = storage_block_id
        self.prefect_version = prefect_version

    def load(self) -> Any:
        """The result this metadata points at, read from its storage."""
        return ResultStore._from_metadata_sync(self).result

    def model_dump(self, mode: str = "json", **_: Any) -> dict[str, Any]:
        return {
            "storage_key": self.storage_key,
            "expiration": self.expiration.isoformat() if self.expiration else None,
            "serializer": self.serializer.model_dump(),
            "prefect_version": self.prefect_version,
            "storage_block_id": str(self.storage_block_id) if self.storage_block_id else None,
        }

    def model_dump_json(self, **_: Any) -> str:
        return json.dumps(self.model_dump(), separators=(",", ":"))

    def dump_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def model_validate(cls, data: Any) -> ResultRecordMetadata:
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict):
            from headrace.serializers import _validation_error

            raise _validation_error(cls.__name__, "metadata", data, "expected a JSON object")
        serializer = data.get("serializer")
        expiration = data.get("expiration")
        return cls(
            storage_key=data.get("storage_key"),
            serializer=serializer,
            expiration=expiration,
            storage_block_id=_uuid_or_none(data.get("storage_block_id")),
            prefect_version=data.get("prefect_version"),
        )

    @classmethod
    def load_bytes(cls, data: bytes) -> ResultRecordMetadata:
        return cls.model_validate(json.loads(data))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResultRecordMetadata):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"ResultRecordMetadata(storage_key={self.storage_key!r}, "
            f"serializer={self.serializer!r}, expiration={self.expiration!r})"
        )


def _uuid_or_none(value: Any) -> Any:
    if value is None:
        return None
    import uuid

    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class ResultRecord(StoredResult):
    """A result and its metadata; in a state's data, reading the state's result gives
    `result`."""

    __slots__ = ("metadata", "result")

    def __init__(self, result: Any = None, metadata: ResultRecordMetadata | None = None) -> None:
        self.result = result
        self.metadata = metadata if metadata is not None else ResultRecordMetadata()

    # -- headrace's names, used by the engine -------------------------------------------
    def load(self) -> Any:
        return self.result

    @property
    def key(self) -> str | None:
        return self.metadata.storage_key

    @property
    def expiration(self) -> _dt.datetime | None:
        return self.metadata.expiration

    @property
    def serializer(self) -> Serializer:
        return self.metadata.serializer

    # -- bytes ------------------------------------------------------------------------------
    def serialize_result(self) -> bytes:
        return self.metadata.serializer.dumps(self.result)

    def serialize_metadata(self) -> bytes:
        return self.metadata.dump_bytes()

    def serialize(self) -> bytes:
        """Metadata (one JSON line), a newline, then the serialized result."""
        return self.serialize_metadata() + b"\n" + self.serialize_result()

    @classmethod
    def deserialize(cls, data: bytes, backup_serializer: Serializer | None = None) -> ResultRecord:
        """A record from `serialize()`'s bytes (also headrace's older header format); with
        `backup_serializer`, bytes holding only a serialized result are read with it."""
        header, newline, payload = data.partition(b"\n")
        metadata = None
        try:
            parsed = json.loads(header) if newline else None
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and "serializer" in parsed:
            if "storage_key" not in parsed and "created" in parsed:  # headrace's old header
                parsed = {"serializer": parsed["serializer"], "expiration": parsed["expiration"]}
            metadata = ResultRecordMetadata.model_validate(parsed)
        if metadata is None:
            if backup_serializer is None:
                from headrace.serializers import _validation_error

                raise _validation_error(
                    cls.__name__,
                    "metadata",
                    data[:40],
                    "not a result record (no metadata); pass backup_serializer= to read "
                    "a bare serialized result",
                )
            return cls(
                result=backup_serializer.loads(data),
                metadata=ResultRecordMetadata(serializer=backup_serializer),
            )
        return cls(result=metadata.serializer.loads(payload), metadata=metadata)

    @classmethod
    def deserialize_from_result_and_metadata(cls, result: bytes, metadata: bytes) -> ResultRecord:
        parsed = ResultRecordMetadata.load_bytes(metadata)
        return cls(result=parsed.serializer.loads(result), metadata=parsed)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResultRecord):
            return NotImplemented
        return self.metadata == other.metadata and self.result == other.result

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ResultRecord(key={self.key!r}, serializer={self.metadata.serializer!r})"


# -- the store ----------------------------------------------------------------------------
class _NotSet:
    pass


_NOT_SET: Any = _NotSet()


class ResultStore:
    """Writes and reads result records in one storage with one serializer.

    `result_storage`: a storage block, a `"block-type/name"` reference or a path (None:
    the default storage); `metadata_storage`: where metadata goes when apart from the
    results (a `NullFileSystem` writes bare results); `lock_manager`: what SERIALIZABLE
    transactions lock keys with; `cache_result_in_memory`: keep read and written records
    in an LRU cache; `storage_key_fn`: how keys are made when none is given.
    """

    def __init__(
        self,
        result_storage: Any = None,
        serializer: str | Serializer | None = None,
        *,
        metadata_storage: Any = None,
        lock_manager: Any = None,
        cache_result_in_memory: bool = True,
        storage_key_fn: Callable[[], str] = DEFAULT_STORAGE_KEY_FN,
        cache: OrderedDict[str, ResultRecord] | None = None,
    ) -> None:
        self._storage = (
            None if result_storage is None else resolve_result_storage_for_io(result_storage)
        )
        self._default = self._storage is None
        self.serializer = (
            get_default_result_serializer()
            if serializer is None
            else resolve_serializer(serializer)
        )
        self.metadata_storage = (
            metadata_storage
            if metadata_storage is None or _is_null_storage(metadata_storage)
            else resolve_result_storage_for_io(metadata_storage)
        )
        self.lock_manager = lock_manager
        self.cache_result_in_memory = cache_result_in_memory
        self.storage_key_fn = storage_key_fn
        self.cache: OrderedDict[str, ResultRecord] = cache if cache is not None else OrderedDict()
        self._cache_lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # pickles (to another process, e.g. `headrace.context.with_context`) without its lock
        return {k: v for k, v in self.__dict__.items() if k != "_cache_lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cache_lock = threading.Lock()

    # -- storage ------------------------------------------------------------------------
    @property
    def result_storage(self) -> Any:
        """The storage block results are written to (None: not chosen yet)."""
        if self._storage is not None:
            return self._storage
        return get_default_result_storage(_sync=True) if self._use_default_block else None

    @result_storage.setter
    def result_storage(self, value: Any) -> None:
        self._storage = None if value is None else resolve_result_storage_for_io(value)
        self._default = self._storage is None

    _use_default_block = False  # set on copies made by update_for_flow/update_for_task

    @property
    def storage(self) -> StorageLike:
        """What reads and writes go through (headrace's name)."""
        return self._storage if self._storage is not None else _default_io()

    @property
    def result_storage_block_id(self) -> Any:
        storage = self._storage
        if storage is None:
            if not self._use_default_block:
                return None
            storage = get_default_result_storage(_sync=True)
        return getattr(storage, "_block_document_id", None)

    # -- copies for flows and tasks -----------------------------------------------------
    def model_copy(self, update: dict[str, Any] | None = None) -> ResultStore:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._cache_lock = threading.Lock()
        for name, value in (update or {}).items():
            setattr(clone, name, value)
        return clone

    async def aupdate_for_flow(self, flow: Flow) -> ResultStore:
        return self.update_for_flow(flow, _sync=True)

    @async_dispatch(aupdate_for_flow)
    def update_for_flow(self, flow: Flow) -> ResultStore:
        """A copy of this store with the flow's storage, serializer and cache choices."""
        update: dict[str, Any] = {"cache_result_in_memory": flow.cache_result_in_memory}
        if flow.result_storage is not None:
            update["_storage"] = resolve_result_storage_for_io(flow.result_storage)
            update["_default"] = False
        if flow.result_serializer is not None:
            update["serializer"] = resolve_serializer(flow.result_serializer)
        clone = self.model_copy(update)
        if clone._storage is None:
            clone._use_default_block = True
        clone.metadata_storage = _null_storage()
        return clone

    async def aupdate_for_task(self, task: Task) -> ResultStore:
        return self.update_for_task(task, _sync=True)

    @async_dispatch(aupdate_for_task)
    def update_for_task(self, task: Task) -> ResultStore:
        """A copy of this store with the task's storage, serializer, key and cache choices
        (and its cache policy's key storage and lock manager)."""
        update: dict[str, Any] = {
            "cache_result_in_memory": getattr(task, "cache_result_in_memory", True)
        }
        if task.result_storage is not None:
            update["_storage"] = resolve_result_storage_for_io(task.result_storage)
            update["_default"] = False
        if task.result_serializer is not None:
            update["serializer"] = resolve_serializer(task.result_serializer)
        if getattr(task, "result_storage_key", None) is not None:
            template = task.result_storage_key
            update["storage_key_fn"] = lambda: _format_storage_key(template)
        transaction = ACTIVE_TRANSACTION.get()
        if transaction is not None and isinstance(transaction.store, ResultStore):
            update["lock_manager"] = transaction.store.lock_manager
        policy = getattr(task, "cache_policy", None)
        key_storage = getattr(policy, "key_storage", None)
        if key_storage is not None:
            update["metadata_storage"] = resolve_result_storage(key_storage, _sync=True)
        if getattr(policy, "lock_manager", None) is not None:
            update["lock_manager"] = policy.lock_manager
        clone = self.model_copy(update)
        if clone._storage is None:
            clone._use_default_block = True
        if "metadata_storage" not in update and _is_null_storage(clone.metadata_storage):
            clone.metadata_storage = None
        return clone

    # -- keys ---------------------------------------------------------------------------
    def _resolved_key_path(self, key: str) -> str:
        """The full path of `key` in local storage (keys stay as given elsewhere)."""
        storage = self.storage
        base = getattr(storage, "basepath", _NOT_SET)
        if (
            base is _NOT_SET
            or base is None
            or type(storage).__name__
            not in (
                "LocalFileSystem",
                "LocalResultStorage",
            )
        ):
            return key
        root = Path(base).expanduser()
        path = Path(key).expanduser()
        if path.is_absolute():
            return str(path)
        return str(root.resolve() / key)

    # -- records ------------------------------------------------------------------------
    def create_result_record(
        self,
        obj: Any,
        key: str | None = None,
        expiration: _dt.datetime | float | None = None,
    ) -> ResultRecord:
        """A record of `obj` under `key` (default: `storage_key_fn()`), not yet written."""
        key = key or self.storage_key_fn()
        storage = self._storage if self._storage is not None else None
        return ResultRecord(
            result=obj,
            metadata=ResultRecordMetadata(
                storage_key=self._resolved_key_path(key),
                serializer=self.serializer,
                expiration=expiration,
                storage_block_id=getattr(storage, "_block_document_id", None),
            ),
        )

    def persist_result_record(self, result_record: ResultRecord, holder: str | None = None) -> None:
        """Write a record (its key must not be locked by another holder)."""
        key = result_record.metadata.storage_key
        if key is None:
            raise ValueError("the record has no storage key")
        if self.lock_manager is not None and self.is_locked(key):
            holder = holder or self.generate_default_holder()
            if not self.is_lock_holder(key, holder):
                raise RuntimeError(
                    f"Cannot write to result record with key {self._lock_key(key)} because it "
                    "is locked by "
                    "another holder."
                )
        metadata_storage = self.metadata_storage
        if metadata_storage is None:
            call_sync(self.storage.write_path, key, result_record.serialize())
        elif _is_null_storage(metadata_storage):
            call_sync(self.storage.write_path, key, result_record.serialize_result())
        else:
            call_sync(self.storage.write_path, key, result_record.serialize_result())
            call_sync(
                metadata_storage.write_path,
                self._lock_key(key),
                result_record.serialize_metadata(),
            )
        if self.cache_result_in_memory:
            self._remember(key, result_record)

    async def apersist_result_record(
        self, result_record: ResultRecord, holder: str | None = None
    ) -> None:
        self.persist_result_record(result_record, holder)

    def write(
        self,
        obj: Any,
        key: str | None = None,
        expiration: _dt.datetime | float | None = None,
        holder: str | None = None,
    ) -> ResultRecord:
        """Create and persist a record of `obj`; returns it."""
        record = self.create_result_record(obj, key=key, expiration=expiration)
        self.persist_result_record(record, holder=holder)
        return record

    async def awrite(
        self,
        obj: Any,
        key: str | None = None,
        expiration: _dt.datetime | float | None = None,
        holder: str | None = None,
    ) -> ResultRecord:
        return self.write(obj, key=key, expiration=expiration, holder=holder)

    def _remember(self, key: str, record: ResultRecord) -> None:
        with self._cache_lock:
            self.cache[key] = record
            self.cache.move_to_end(key)
            while len(self.cache) > 1000:
                self.cache.popitem(last=False)

    def read(
        self,
        key: str,
        holder: str | None = None,
        honour_expiry: bool = True,
        _wait_for_lock: bool = True,
    ) -> ResultRecord | None:
        """The record at `key`; None if there is none or (with `honour_expiry`) it has
        expired. Waits for a lock held by another holder first."""
        if self.lock_manager is not None and _wait_for_lock:
            holder = holder or self.generate_default_holder()
            if self.is_locked(key) and not self.is_lock_holder(key, holder):
                self.wait_for_lock(key)
        resolved = self._resolved_key_path(key)
        now = _now()
        cached = self.cache.get(resolved) if self.cache_result_in_memory else None
        if cached is not None:
            expiry = _timestamp(cached.metadata.expiration)
            if expiry is None or expiry > now or not honour_expiry:
                return cached
            with self._cache_lock:
                self.cache.pop(resolved, None)
        record = self._read_from_storage(resolved)
        if record is None:
            return None
        expiry = _timestamp(record.metadata.expiration)
        if honour_expiry and expiry is not None and expiry <= now:
            return None
        if self.cache_result_in_memory:
            self._remember(resolved, record)
        return record

    async def aread(self, key: str, holder: str | None = None) -> ResultRecord | None:
        return self.read(key, holder=holder)

    def _read_from_storage(self, key: str) -> ResultRecord | None:
        metadata_storage = self.metadata_storage
        try:
            if metadata_storage is not None and not _is_null_storage(metadata_storage):
                metadata = ResultRecordMetadata.load_bytes(
                    call_sync(metadata_storage.read_path, self._lock_key(key))
                )
                storage = self.storage
                if metadata.storage_block_id is not None and self._storage is None:
                    storage = resolve_result_storage(metadata.storage_block_id, _sync=True)
                payload = call_sync(storage.read_path, metadata.storage_key or key)
                return ResultRecord(result=metadata.serializer.loads(payload), metadata=metadata)
            blob = call_sync(self.storage.read_path, key)
        except (FileNotFoundError, KeyError, NotADirectoryError):
            # storage blocks raise FileNotFoundError (or a subclass such as PathNotFound)
            return None
        except ValueError as exc:
            if "does not exist" in str(exc) or "not found" in str(exc).lower():
                return None
            raise
        try:
            return ResultRecord.deserialize(blob, backup_serializer=self.serializer)
        except ValueError:
            return None

    def exists(self, key: str) -> bool:
        """Whether a record (and, with metadata storage, its metadata) is in storage at
        `key` and has not expired (the in-memory cache is not asked: files can go)."""
        record = self._read_from_storage(self._resolved_key_path(key))
        if record is None:
            return False
        expiry = _timestamp(record.metadata.expiration)
        return expiry is None or expiry > _now()

    async def aexists(self, key: str) -> bool:
        return self.exists(key)

    @classmethod
    async def _from_metadata(cls, metadata: ResultRecordMetadata) -> ResultRecord:
        return cls._from_metadata_sync(metadata)

    @classmethod
    def _from_metadata_sync(cls, metadata: ResultRecordMetadata) -> ResultRecord:
        """The record `metadata` points at (its storage block, or the default storage)."""
        if metadata.storage_key is None:
            raise ValueError("storage_key is required to hydrate a result record from metadata")
        storage = (
            resolve_result_storage(metadata.storage_block_id, _sync=True)
            if metadata.storage_block_id is not None
            else None
        )
        store = cls(result_storage=storage, serializer=metadata.serializer)
        store.metadata_storage = _null_storage()
        record = store.read(metadata.storage_key, honour_expiry=False)
        if record is None:
            from headrace.exceptions import MissingResult

            raise MissingResult(f"The result {metadata.storage_key!r} is no longer stored.")
        record.metadata = metadata
        return record

    # -- locks --------------------------------------------------------------------------
    def supports_isolation_level(self, level: Any) -> bool:
        """READ_COMMITTED always; SERIALIZABLE needs a lock manager."""
        name = getattr(level, "value", level)
        if name == "READ_COMMITTED":
            return True
        if name == "SERIALIZABLE":
            return self.lock_manager is not None
        raise ValueError(f"Unsupported isolation level: {level}")

    @staticmethod
    def generate_default_holder() -> str:
        """host:pid:thread (and the asyncio task, inside one): who holds a lock."""
        import socket

        holder = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        holder += f":{threading.current_thread().name}"
        aio = __import__("sys").modules.get("asyncio")
        if aio is not None and aio._get_running_loop() is not None:
            current = aio.current_task()
            if current is not None:
                holder += f":{id(current)}"
        return holder

    def _locks(self) -> Any:
        if self.lock_manager is None:
            raise ConfigurationError(
                "Result store is not configured with a lock manager. Please set a lock "
                "manager when creating the result store to enable locking."
            )
        return self.lock_manager

    def acquire_lock(
        self, key: str, holder: str | None = None, timeout: float | None = None
    ) -> bool:
        return self._locks().acquire_lock(
            self._lock_key(key), holder or self.generate_default_holder(), timeout
        )

    async def aacquire_lock(
        self, key: str, holder: str | None = None, timeout: float | None = None
    ) -> bool:
        import asyncio

        holder = holder or self.generate_default_holder()
        return await asyncio.to_thread(self.acquire_lock, key, holder, timeout)

    def release_lock(self, key: str, holder: str | None = None) -> None:
        self._locks().release_lock(self._lock_key(key), holder or self.generate_default_holder())

    def is_locked(self, key: str) -> bool:
        return self._locks().is_locked(self._lock_key(key))

    def is_lock_holder(self, key: str, holder: str | None = None) -> bool:
        return self._locks().is_lock_holder(
            self._lock_key(key), holder or self.generate_default_holder()
        )

    def wait_for_lock(self, key: str, timeout: float | None = None) -> bool:
        return self._locks().wait_for_lock(self._lock_key(key), timeout=timeout)

    async def await_for_lock(self, key: str, timeout: float | None = None) -> bool:
        import asyncio

        return await asyncio.to_thread(self.wait_for_lock, key, timeout)

    def _lock_key(self, key: str) -> str:
        """Locks are taken on keys as transactions name them (relative to local storage)."""
        base = getattr(self.storage, "basepath", None)
        if base and Path(key).is_absolute():
            root = Path(base).expanduser().resolve()
            path = Path(key)
            if root in path.parents:
                return str(path.relative_to(root))
        return key

    def __repr__(self) -> str:
        storage = self._storage if self._storage is not None else "default"
        return f"ResultStore(result_storage={storage!r}, serializer={self.serializer!r})"


def resolve_result_storage_for_io(value: Any) -> Any:
    """A block as given; a path as a LocalFileSystem block; a reference loaded."""
    if hasattr(value, "read_path") and hasattr(value, "write_path"):
        return value
    if isinstance(value, Path) or (isinstance(value, str) and _looks_like_path(value)):
        return LocalResultStorage(value)
    return resolve_result_storage(value, _sync=True)


class _BareResults:
    """A flow store's `metadata_storage`: write bare results, as a NullFileSystem block
    there would (without importing the block machinery on every flow run)."""

    def read_path(self, path: str) -> bytes:
        raise FileNotFoundError(path)

    def write_path(self, path: str, content: bytes) -> None:
        return None

    def __repr__(self) -> str:
        return "NullFileSystem()"


_BARE = _BareResults()


def _is_null_storage(value: Any) -> bool:
    return value is _BARE or type(value).__name__ == "NullFileSystem"


def _null_storage() -> Any:
    return _BARE


def _format_storage_key(template: str) -> str:
    """A task's `result_storage_key` with `{parameters[x]}` and runtime fields filled."""
    import headrace
    from headrace import runtime

    values = {name: getattr(runtime, name) for name in ("flow_run", "task_run", "deployment")}
    # `{prefect.runtime.flow_run.flow_version}` in templates written for Prefect works too
    return template.format(
        **values, parameters=runtime.task_run.parameters, headrace=headrace, prefect=headrace
    )


async def get_or_create_default_task_scheduling_storage() -> Any:
    """Where background task runs keep their parameters: the block named by
    `PREFECT_TASK_SCHEDULING_DEFAULT_STORAGE_BLOCK`, else the local result storage."""
    settings = get_current_settings()
    block = settings.tasks.scheduling.default_storage_block
    if block is not None:
        return resolve_result_storage(block, _sync=True)
    from headrace.filesystems import LocalFileSystem

    return LocalFileSystem(basepath=str(settings.results.local_storage_path))


def get_result_store() -> ResultStore:
    """The result store of the current run (a default one outside any run)."""
    ctx = TaskRunContext.get() or FlowRunContext.get()
    store = getattr(ctx, "result_store", None) if ctx is not None else None
    return store if store is not None else ResultStore()


def _task_run_result_store(ctx: TaskRunContext) -> ResultStore:
    """A task run's result store: its flow run's (or a default one) set up for the task."""
    flow_ctx = FlowRunContext._var.get(None)
    base = flow_ctx.result_store if flow_ctx is not None else None
    return (base or ResultStore()).update_for_task(ctx.task, _sync=True)


TaskRunContext.make_result_store = _task_run_result_store


__all__ = [
    "DEFAULT_STORAGE_KEY_FN",
    "LocalResultStorage",
    "ResultRecord",
    "ResultRecordMetadata",
    "ResultStore",
    "aget_default_result_storage",
    "aresolve_result_storage",
    "get_default_persist_setting",
    "get_default_persist_setting_for_tasks",
    "get_default_result_serializer",
    "get_default_result_storage",
    "get_result_store",
    "resolve_result_storage",
    "resolve_serializer",
    "should_persist_result",
]
