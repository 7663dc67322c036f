"""Transactions: a block of work whose result is written once, with commit/rollback hooks.

`with transaction(key="daily-report") as txn:` stages a value (`txn.stage(value)`) and
writes it to the result store under `key` when the outermost transaction commits; if the
block raises, `on_rollback` hooks run (newest first) and nothing is written. A key that
already has a record makes the transaction start out committed (the work was done).

With `isolation_level=SERIALIZABLE` the transaction holds the store's lock on its key
from start to commit or rollback, so two processes (with a `FileSystemLockManager`) or
threads (`MemoryLockManager`) never run the same keyed work at once: the second waits,
then finds the first one's record.
"""

from __future__ import annotations

import contextvars
import copy
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from enum import Enum
from typing import Any

from headrace.context import ACTIVE_TRANSACTION
from headrace.results import ConfigurationError, ResultRecord, ResultStore, get_result_store

logger = logging.getLogger("headrace.transactions")


class IsolationLevel(str, Enum):
    READ_COMMITTED = "READ_COMMITTED"
    SERIALIZABLE = "SERIALIZABLE"


class CommitMode(str, Enum):
    """EAGER: commit when the block ends; LAZY: when the outermost transaction does;
    OFF: never (roll back unless someone commits explicitly)."""

    EAGER = "EAGER"
    LAZY = "LAZY"
    OFF = "OFF"


class TransactionState(str, Enum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    STAGED = "STAGED"
    COMMITTED = "COMMITTED"
    ROLLED_BACK = "ROLLED_BACK"


_NOT_SET: Any = object()
# the innermost active transaction; kept in headrace.context so that results can see it
_active = ACTIVE_TRANSACTION


class Transaction:
    """One transaction; made by `transaction()`, current inside its `with` block."""

    def __init__(
        self,
        key: str | None = None,
        store: ResultStore | None = None,
        commit_mode: CommitMode | None = None,
        isolation_level: IsolationLevel | None = None,
        overwrite: bool = False,
        write_on_commit: bool = True,
        logger: logging.Logger | logging.LoggerAdapter | None = None,
    ) -> None:
        self.key = key
        self.store = store
        self.commit_mode = commit_mode
        self.isolation_level = isolation_level
        self.overwrite = overwrite
        self.write_on_commit = write_on_commit
        self.logger = logger or globals()["logger"]
        self.state = TransactionState.PENDING
        self.children: list[Transaction] = []
        self.on_commit_hooks: list[Callable[[Transaction], Any]] = []
        self.on_rollback_hooks: list[Callable[[Transaction], Any]] = []
        self._stored_values: dict[str, Any] = {}
        self._staged_value: Any = None
        self._holder = os.urandom(16).hex()
        self._token: contextvars.Token | None = None
        self._parent: Transaction | None = None

    # -- values shared along the transaction tree ---------------------------------------
    def set(self, name: str, value: Any) -> None:
        """Keep a value for later in this transaction (and its children)."""
        self._stored_values[name] = value

    def get(self, name: str, default: Any = _NOT_SET) -> Any:
        """A value set here or in a parent transaction (a copy: mutate, then `set`)."""
        if name in self._stored_values:
            return copy.deepcopy(self._stored_values[name])
        parent = self.get_parent()
        if parent is not None:
            return parent.get(name, default)
        if default is not _NOT_SET:
            return default
        raise ValueError(f"Could not retrieve value for unknown key: {name}")

    # -- state --------------------------------------------------------------------------
    def is_committed(self) -> bool:
        return self.state is TransactionState.COMMITTED

    def is_rolled_back(self) -> bool:
        return self.state is TransactionState.ROLLED_BACK

    def is_staged(self) -> bool:
        return self.state is TransactionState.STAGED

    def is_pending(self) -> bool:
        return self.state is TransactionState.PENDING

    def is_active(self) -> bool:
        return self.state is TransactionState.ACTIVE

    def get_parent(self) -> Transaction | None:
        return self._parent if self._token is not None else _active.get()

    def add_child(self, child: Transaction) -> None:
        self.children.append(child)

    # -- the block ----------------------------------------------------------------------
    def __enter__(self) -> Transaction:
        if self._token is not None:
            raise RuntimeError("Context already entered. Context enter calls cannot be nested.")
        parent = _active.get()
        if self.commit_mode is None:
            self.commit_mode = parent.commit_mode if parent else CommitMode.LAZY
        if self.isolation_level is None:
            self.isolation_level = (
                parent.isolation_level if parent else IsolationLevel.READ_COMMITTED
            )
        if (
            self.store
            and self.key
            and not self.store.supports_isolation_level(self.isolation_level)
        ):
            raise ConfigurationError(
                f"Isolation level {self.isolation_level.name} is not supported by provided "
                "configuration. Please ensure you've provided a lock file directory or lock "
                "manager when using the SERIALIZABLE isolation level."
            )
        self.state = TransactionState.ACTIVE
        self.begin()
        self._parent = parent
        self._token = _active.set(self)
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if self._token is None:
            raise RuntimeError("Asymmetric use of context. Context exit called without an enter.")
        if exc_type is not None:
            self.rollback()
            self.reset()
            return None  # the error propagates
        if self.commit_mode is CommitMode.EAGER:
            self.commit()
        if self._parent is not None:
            self.reset()  # the parent commits or rolls back this one with itself
            return None
        if self.commit_mode is CommitMode.OFF:
            self.rollback()
        elif self.commit_mode is CommitMode.LAZY:
            self.commit()
        self.reset()
        return None

    def _serializable(self) -> bool:
        return bool(self.store and self.key and self.isolation_level is IsolationLevel.SERIALIZABLE)

    def begin(self) -> None:
        """Take the key's lock (SERIALIZABLE); an existing record means already done."""
        if self._serializable():
            self.logger.debug(f"Acquiring lock for transaction {self.key!r}")
            self.store.acquire_lock(self.key, holder=self._holder)  # type: ignore[union-attr]
        if not self.overwrite and self.store and self.key and self.store.exists(key=self.key):
            self.state = TransactionState.COMMITTED

    def read(self) -> ResultRecord | None:
        """The record stored under this transaction's key, if any."""
        if self.store and self.key:
            return self.store.read(key=self.key, holder=self._holder)
        return None

    def reset(self) -> None:
        parent = self._parent
        if parent is not None:
            parent.add_child(self)
        if self._token is not None:
            _active.reset(self._token)
            self._token = None
        if parent is not None and self.state is TransactionState.ROLLED_BACK:
            parent.rollback()

    def stage(
        self,
        value: Any,
        on_rollback_hooks: list[Callable[..., Any]] | None = None,
        on_commit_hooks: list[Callable[..., Any]] | None = None,
    ) -> None:
        """Keep `value` to be written on commit, with hooks to run then (or on rollback)."""
        if self.state is not TransactionState.COMMITTED:
            self._staged_value = value
            self.on_rollback_hooks += on_rollback_hooks or []
            self.on_commit_hooks += on_commit_hooks or []
            self.state = TransactionState.STAGED

    def _release(self) -> None:
        if self._serializable() and self.store.is_lock_holder(self.key, self._holder):  # type: ignore[union-attr]
            self.logger.debug(f"Releasing lock for transaction {self.key!r}")
            self.store.release_lock(self.key, holder=self._holder)  # type: ignore[union-attr]

    def commit(self) -> bool:
        """Commit the children, run commit hooks, write the staged value; False (and a
        rollback) if any of that fails, or if already committed or rolled back."""
        if self.state in (TransactionState.ROLLED_BACK, TransactionState.COMMITTED):
            self._release()
            return False
        try:
            for child in self.children:
                child.commit()
            for hook in self.on_commit_hooks:
                self.run_hook(hook, "commit")
            if self.store and self.key and self.write_on_commit:
                if isinstance(self._staged_value, ResultRecord):
                    self.store.persist_result_record(self._staged_value, holder=self._holder)
                else:
                    self.store.write(obj=self._staged_value, key=self.key, holder=self._holder)
            self.state = TransactionState.COMMITTED
            self._release()
            return True
        except Exception:
            self.logger.exception(
                f"An error was encountered while committing transaction {self.key!r}"
            )
            self.rollback()
            return False

    def run_hook(self, hook: Callable[..., Any], hook_type: str) -> None:
        name = getattr(hook, "__name__", repr(hook))
        quiet = getattr(hook, "log_on_run", True) is False
        if not quiet:
            self.logger.info(f"Running {hook_type} hook {name!r}")
        try:
            outcome = hook(self)
            if hasattr(outcome, "__await__"):
                from headrace.utilities.asyncutils import run_coro_as_sync

                run_coro_as_sync(outcome)
        except Exception:
            if not quiet:
                self.logger.error(
                    f"An error was encountered while running {hook_type} hook {name!r}"
                )
            raise
        if not quiet:
            self.logger.info(
                f"{hook_type.capitalize()} hook {name!r} finished running successfully"
            )

    def rollback(self) -> bool:
        """Run rollback hooks (newest first) and roll the children back; False if already
        committed or rolled back."""
        if self.state in (TransactionState.ROLLED_BACK, TransactionState.COMMITTED):
            return False
        try:
            for hook in reversed(self.on_rollback_hooks):
                self.run_hook(hook, "rollback")
            self.state = TransactionState.ROLLED_BACK
            for child in reversed(self.children):
                child.rollback()
            return True
        except Exception:
            self.logger.exception(
                f"An error was encountered while rolling back transaction {self.key!r}"
            )
            return False
        finally:
            self._release()

    def __repr__(self) -> str:
        return f"Transaction(key={self.key!r}, state={self.state.value})"


#: Prefect's async transaction class shares the same implementation here
AsyncTransaction = Transaction
BaseTransaction = Transaction


def get_transaction() -> Transaction | None:
    """The innermost active transaction, or None."""
    return _active.get()


def _store_for(key: str | None, store: ResultStore | None) -> ResultStore | None:
    if key and store is None:
        store = get_result_store()
    if store is not None and type(store.metadata_storage).__name__ == "NullFileSystem":
        # a flow's store writes bare results; a transaction's record needs its metadata
        store = store.model_copy({"metadata_storage": None})
    return store


@contextmanager
def transaction(
    key: str | None = None,
    store: ResultStore | None = None,
    commit_mode: CommitMode | None = None,
    isolation_level: IsolationLevel | None = None,
    overwrite: bool = False,
    write_on_commit: bool = True,
    logger: logging.Logger | logging.LoggerAdapter | None = None,
) -> Iterator[Transaction]:
    """Open a transaction (see the module docstring); a key without a store uses the
    current run's result store."""
    with Transaction(
        key=key,
        store=_store_for(key, store),
        commit_mode=commit_mode,
        isolation_level=isolation_level,
        overwrite=overwrite,
        write_on_commit=write_on_commit,
        logger=logger,
    ) as txn:
        yield txn


@asynccontextmanager
async def atransaction(
    key: str | None = None,
    store: ResultStore | None = None,
    commit_mode: CommitMode | None = None,
    isolation_level: IsolationLevel | None = None,
    overwrite: bool = False,
    write_on_commit: bool = True,
    logger: logging.Logger | logging.LoggerAdapter | None = None,
) -> AsyncIterator[Transaction]:
    """`transaction` for async code (hooks may be coroutine functions)."""
    with transaction(
        key, store, commit_mode, isolation_level, overwrite, write_on_commit, logger
    ) as txn:
        yield txn


__all__ = [
    "AsyncTransaction",
    "BaseTransaction",
    "CommitMode",
    "IsolationLevel",
    "Transaction",
    "TransactionState",
    "atransaction",
    "get_transaction",
    "transaction",
]
