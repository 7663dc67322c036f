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

import asyncio
import contextvars
import copy
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from enum import Enum
from typing import Any

from headrace.context import ACTIVE_TRANSACTION
from headrace.exceptions import ConfigurationError
from headrace.results import ResultRecord, ResultStore, get_result_store

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
        state: TransactionState = TransactionState.PENDING,
        children: list[Transaction] | None = None,
        on_commit_hooks: list[Callable[[Transaction], Any]] | None = None,
        on_rollback_hooks: list[Callable[[Transaction], Any]] | None = None,
    ) -> None:
        self.key = key
        self.store = store
        self.commit_mode = commit_mode
        self.isolation_level = isolation_level
        self.overwrite = overwrite
        self.write_on_commit = write_on_commit
        self.logger = logger or globals()["logger"]
        self.state = TransactionState(state)
        self.children: list[Transaction] = list(children or [])
        self.on_commit_hooks: list[Callable[[Transaction], Any]] = list(on_commit_hooks or [])
        self.on_rollback_hooks: list[Callable[[Transaction], Any]] = list(on_rollback_hooks or [])
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
    def _prepare(self) -> Transaction | None:
        """Settle inherited options and check them; the parent transaction, if any."""
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
        return parent

    def _attach(self, parent: Transaction | None) -> None:
        self._parent = parent
        self._token = _active.set(self)

    def _settle(self, failed: bool) -> None:
        """Commit or roll back as the block's outcome and the commit mode say; a nested
        transaction that did not fail is left to its parent."""
        if failed:
            Transaction.rollback(self)
            return
        if self.commit_mode is CommitMode.EAGER:
            Transaction.commit(self)
        if self._parent is not None:
            return  # the parent commits or rolls back this one with itself
        if self.commit_mode is CommitMode.OFF:
            Transaction.rollback(self)
        elif self.commit_mode is CommitMode.LAZY:
            Transaction.commit(self)

    def _detach(self) -> Transaction | None:
        """Hand this transaction to its parent and make the parent current again; the
        parent when it must now roll back too."""
        parent = self._parent
        if parent is not None:
            parent.add_child(self)
        if self._token is not None:
            _active.reset(self._token)
            self._token = None
        if parent is not None and self.state is TransactionState.ROLLED_BACK:
            return parent
        return None

    def __enter__(self) -> Transaction:
        parent = self._prepare()
        Transaction.begin(self)
        self._attach(parent)
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if self._token is None:
            raise RuntimeError("Asymmetric use of context. Context exit called without an enter.")
        self._settle(failed=exc_type is not None)
        Transaction.reset(self)
        return None  # an error propagates

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
        """Leave the block: the parent (if any) takes this transaction over."""
        parent = self._detach()
        if parent is not None:
            self._wait_for_maybe(parent.rollback())

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
                self._wait_for_maybe(child.commit())
            for hook in self.on_commit_hooks:
                Transaction.run_hook(self, hook, "commit")
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
            self._wait_for_maybe(hook(self))
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
                Transaction.run_hook(self, hook, "rollback")
            self.state = TransactionState.ROLLED_BACK
            for child in reversed(self.children):
                self._wait_for_maybe(child.rollback())
            return True
        except Exception:
            self.logger.exception(
                f"An error was encountered while rolling back transaction {self.key!r}"
            )
            return False
        finally:
            self._release()

    def _wait_for(self, awaitable: Any) -> Any:
        """Run a hook's coroutine to its end from synchronous code."""
        from headrace.utilities.asyncutils import run_coro_as_sync

        return run_coro_as_sync(awaitable)

    def _wait_for_maybe(self, outcome: Any) -> Any:
        """`outcome`, awaited first if it is awaitable (an async hook, or a method of a
        nested AsyncTransaction)."""
        return self._wait_for(outcome) if hasattr(outcome, "__await__") else outcome

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.key,
            self.store,
            self.commit_mode,
            self.isolation_level,
            self.overwrite,
            self.write_on_commit,
            self.state,
            self.children,
            self.on_commit_hooks,
            self.on_rollback_hooks,
        )

    def __eq__(self, other: object) -> bool:
        """Equal when every public field is (as Prefect's transaction models compare)."""
        if not isinstance(other, Transaction):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r}, state={self.state.value})"


class AsyncTransaction(Transaction):
    """A transaction for async code: `async with`, and its methods are awaited.

    It runs the same logic as `Transaction` in a worker thread (taking a lock or writing
    a record blocks), so the event loop stays free; coroutine hooks run back on the
    caller's loop. Entering and leaving (the current-transaction variable) happen in
    the caller's context.
    """

    _loop: asyncio.AbstractEventLoop | None = None

    def _wait_for(self, awaitable: Any) -> Any:
        loop = self._loop
        if loop is None or not loop.is_running() or _on_loop_thread(loop):
            return super()._wait_for(awaitable)
        return asyncio.run_coroutine_threadsafe(_awaited(awaitable), loop).result()

    async def __aenter__(self) -> AsyncTransaction:
        self._loop = asyncio.get_running_loop()
        parent = self._prepare()
        await asyncio.to_thread(Transaction.begin, self)
        self._attach(parent)
        return self

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if self._token is None:
            raise RuntimeError("Asymmetric use of context. Context exit called without an enter.")
        await asyncio.to_thread(self._settle, exc_type is not None)
        await self.reset()
        return None

    def __enter__(self) -> AsyncTransaction:
        raise NotImplementedError(
            "AsyncTransaction does not support the `with` statement. Use the `async with` "
            "statement instead."
        )

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        raise NotImplementedError(
            "AsyncTransaction does not support the `with` statement. Use the `async with` "
            "statement instead."
        )

    async def begin(self) -> None:  # type: ignore[override]
        await asyncio.to_thread(Transaction.begin, self)

    async def read(self) -> ResultRecord | None:  # type: ignore[override]
        return await asyncio.to_thread(Transaction.read, self)

    async def reset(self) -> None:  # type: ignore[override]
        parent = self._detach()
        if parent is not None:
            await asyncio.to_thread(Transaction.rollback, parent)

    async def commit(self) -> bool:  # type: ignore[override]
        self._loop = asyncio.get_running_loop()
        return await asyncio.to_thread(Transaction.commit, self)

    async def rollback(self) -> bool:  # type: ignore[override]
        self._loop = asyncio.get_running_loop()
        return await asyncio.to_thread(Transaction.rollback, self)

    async def run_hook(self, hook: Callable[..., Any], hook_type: str) -> None:  # type: ignore[override]
        self._loop = asyncio.get_running_loop()
        await asyncio.to_thread(Transaction.run_hook, self, hook, hook_type)


def _on_loop_thread(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


#: Prefect's common base of the two transaction classes
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
) -> AsyncIterator[AsyncTransaction]:
    """`transaction` for async code (hooks may be coroutine functions)."""
    async with AsyncTransaction(
        key=key,
        store=_store_for(key, store),
        commit_mode=commit_mode,
        isolation_level=isolation_level,
        overwrite=overwrite,
        write_on_commit=write_on_commit,
        logger=logger,
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
