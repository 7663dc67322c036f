"""Cache policies: how a task run's cache key is computed (Prefect 3's names).

Policies compose with `+` (the parts' keys hashed together; parts without a key are left
out) and `INPUTS - "arg"` drops an argument from the inputs hash. `configure()` attaches
where cache keys are stored (`key_storage`), a lock manager and an isolation level, as a
new policy.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from headrace.exceptions import HashError
from headrace.utilities.hashing import hash_objects

if TYPE_CHECKING:
    from headrace.context import TaskRunContext

logger = logging.getLogger("headrace.cache_policies")

#: type -> function making values of that type hash stably (e.g. a DataFrame to its
#: records); consulted for every input of an INPUTS policy
STABLE_TRANSFORMS: dict[type, Callable[[Any], Any]] = {}


class CachePolicy:
    """Base class: `compute_key` returns a key, or None to not cache this run.

    Policies are small value objects: equal when of one class with equal fields
    (`_fields`), copied with changes by `_replace`.
    """

    _fields: tuple[str, ...] = ("key_storage", "isolation_level", "lock_manager")

    def __init__(
        self, key_storage: Any = None, isolation_level: Any = None, lock_manager: Any = None
    ) -> None:
        self.key_storage = key_storage
        self.isolation_level = isolation_level
        self.lock_manager = lock_manager

    def _replace(self, **changes: Any) -> Any:
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields)

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def from_cache_key_fn(cls, cache_key_fn: Callable[..., str | None]) -> CacheKeyFnPolicy:
        return CacheKeyFnPolicy(cache_key_fn=cache_key_fn)

    def configure(
        self, key_storage: Any = None, lock_manager: Any = None, isolation_level: Any = None
    ) -> CachePolicy:
        """A copy with the given (non-None) storage, lock manager and isolation level."""
        changes = {
            name: value
            for name, value in (
                ("key_storage", key_storage),
                ("lock_manager", lock_manager),
                ("isolation_level", isolation_level),
            )
            if value is not None
        }
        return self._replace(**changes)

    def compute_key(
        self,
        task_ctx: TaskRunContext | None,
        inputs: dict[str, Any] | None,
        flow_parameters: dict[str, Any] | None,
        **kwargs: Any,
    ) -> str | None:
        raise NotImplementedError

    def __sub__(self, other: str) -> CachePolicy:
        """Only input-based policies depend on arguments: others stay as they are."""
        if not isinstance(other, str):
            raise TypeError("Can only subtract strings from key policies.")
        return self

    def __add__(self, other: CachePolicy) -> CachePolicy:
        if other is None or isinstance(other, _None):
            return self
        if isinstance(self, _None):
            return other
        _check_compatible(self, other)
        return CompoundCachePolicy(
            policies=[self, other],
            key_storage=self.key_storage or other.key_storage,
            isolation_level=self.isolation_level or other.isolation_level,
            lock_manager=self.lock_manager or other.lock_manager,
        )


def _check_compatible(one: CachePolicy, two: CachePolicy) -> None:
    for name, what in (
        ("key_storage", "storage locations"),
        ("lock_manager", "lock implementations"),
        ("isolation_level", "isolation levels"),
    ):
        left, right = getattr(one, name), getattr(two, name)
        if left is not None and right is not None and left != right:
            raise ValueError(f"Cannot add CachePolicies with different {what}.")


class CacheKeyFnPolicy(CachePolicy):
    """Calls a user function `(context, parameters) -> key`."""

    _fields = ("cache_key_fn", *CachePolicy._fields)

    def __init__(
        self,
        cache_key_fn: Callable[..., str | None] | None = None,
        key_storage: Any = None,
        isolation_level: Any = None,
        lock_manager: Any = None,
    ) -> None:
        super().__init__(key_storage, isolation_level, lock_manager)
        self.cache_key_fn = cache_key_fn

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        if self.cache_key_fn is None:
            return None
        return self.cache_key_fn(task_ctx, inputs)


class CompoundCachePolicy(CachePolicy):
    """Several policies hashed together; parts giving no key are left out (no key at
    all if none gives one). Nested compounds are flattened and INPUTS parts merged."""

    _fields = ("policies", *CachePolicy._fields)

    def __init__(
        self,
        policies: list[CachePolicy] | None = None,
        key_storage: Any = None,
        isolation_level: Any = None,
        lock_manager: Any = None,
    ) -> None:
        super().__init__(key_storage, isolation_level, lock_manager)
        self.policies = list(policies or [])
        flat: list[CachePolicy] = []
        for policy in self.policies:
            if isinstance(policy, CompoundCachePolicy):
                flat.extend(policy.policies)
            else:
                flat.append(policy)
        excludes: list[str] = []
        merged: Inputs | None = None
        kept: list[CachePolicy] = []
        for policy in flat:
            if isinstance(policy, Inputs):
                excludes += [name for name in policy.exclude if name not in excludes]
                if merged is None:
                    merged = policy
                    kept.append(policy)
                continue
            kept.append(policy)
        if merged is not None and sorted(merged.exclude) != sorted(excludes):
            kept[kept.index(merged)] = merged._replace(exclude=excludes)
        self.policies = kept

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        keys = []
        for policy in self.policies:
            key = policy.compute_key(task_ctx, inputs, flow_parameters, **kwargs)
            if key is not None:
                keys.append(key)
        return hash_objects(*keys) if keys else None

    def __add__(self, other: CachePolicy) -> CachePolicy:
        if other is None or isinstance(other, _None):
            return self
        _check_compatible(self, other)
        return CompoundCachePolicy(
            policies=[*self.policies, other],
            key_storage=self.key_storage or other.key_storage,
            isolation_level=self.isolation_level or other.isolation_level,
            lock_manager=self.lock_manager or other.lock_manager,
        )

    def __sub__(self, other: str) -> CachePolicy:
        if not isinstance(other, str):
            raise TypeError("Can only subtract strings from key policies.")
        if not any(isinstance(policy, Inputs) for policy in self.policies):
            return self
        return self._replace(
            policies=[
                policy - other if isinstance(policy, Inputs) else policy for policy in self.policies
            ],
        )

    def __repr__(self) -> str:
        return " + ".join(repr(policy) for policy in self.policies) or "CompoundCachePolicy()"


class _None(CachePolicy):
    """Never cache."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        return None

    def __add__(self, other: CachePolicy) -> CachePolicy:
        return other if other is not None else self

    def __repr__(self) -> str:
        return "NONE"


class Inputs(CachePolicy):
    """Hash of the task's arguments (minus excluded ones)."""

    _fields = ("exclude", *CachePolicy._fields)

    def __init__(
        self,
        exclude: list[str] | None = None,
        key_storage: Any = None,
        isolation_level: Any = None,
        lock_manager: Any = None,
    ) -> None:
        super().__init__(key_storage, isolation_level, lock_manager)
        self.exclude = list(exclude or [])

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        kept = {}
        for name, value in (inputs or {}).items():
            if name in self.exclude:
                continue
            transform = STABLE_TRANSFORMS.get(type(value))
            kept[name] = transform(value) if transform is not None else value
        try:
            # never fall back to a key without the inputs: that would serve wrong results
            return hash_objects(kept, raise_on_failure=True)
        except HashError as exc:
            raise ValueError(
                f"{exc}\n\nThis often occurs when task inputs contain objects that cannot "
                "be cached like locks, file handles, or other system resources.\n\n"
                "To resolve this, you can:\n"
                "  1. Exclude these arguments by defining a custom `cache_key_fn`\n"
                "  2. Disable caching by passing `cache_policy=NO_CACHE`\n"
                "  3. Leave them out of the key: `cache_policy=DEFAULT - 'name'`\n"
            ) from exc

    def __sub__(self, other: str) -> CachePolicy:
        if not isinstance(other, str):
            raise TypeError("Can only subtract strings from key policies.")
        return self._replace(exclude=[*self.exclude, other])

    def __repr__(self) -> str:
        return f"Inputs(exclude={self.exclude})" if self.exclude else "INPUTS"


_source_hashes: dict[Any, str | None] = {}


class TaskSource(CachePolicy):
    """Hash of the task function's source: editing the task invalidates its cache."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        if task_ctx is None:
            return None
        task = task_ctx.task
        stored = getattr(task, "source_code", None)
        if isinstance(stored, str):
            return hash_objects(stored)
        fn = getattr(task, "fn", task)
        if fn not in _source_hashes:
            try:
                source: Any = inspect.getsource(fn)
            except (OSError, TypeError):
                code = getattr(fn, "__code__", None)
                source = code.co_code.hex() if code is not None else repr(fn)
            _source_hashes[fn] = hash_objects(source)
        return _source_hashes[fn]

    def __repr__(self) -> str:
        return "TASK_SOURCE"


class FlowParameters(CachePolicy):
    """Hash of the enclosing flow run's parameters."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        if not flow_parameters:
            return None
        return hash_objects(flow_parameters)

    def __repr__(self) -> str:
        return "FLOW_PARAMETERS"


class RunId(CachePolicy):
    """The flow run's id (the task run's outside a flow): caching within one run."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        if task_ctx is None:
            return None
        run = task_ctx.task_run
        return str(run.flow_run_id or run.id)

    def __repr__(self) -> str:
        return "RUN_ID"


NONE = _None()
NO_CACHE = NONE
INPUTS = Inputs()
TASK_SOURCE = TaskSource()
FLOW_PARAMETERS = FlowParameters()
RUN_ID = RunId()
DEFAULT = INPUTS + TASK_SOURCE + RUN_ID

__all__ = [
    "DEFAULT",
    "FLOW_PARAMETERS",
    "INPUTS",
    "NONE",
    "NO_CACHE",
    "RUN_ID",
    "STABLE_TRANSFORMS",
    "TASK_SOURCE",
    "CacheKeyFnPolicy",
    "CachePolicy",
    "CompoundCachePolicy",
    "FlowParameters",
    "Inputs",
    "RunId",
    "TaskSource",
]
