"""Cache policies: how a task run's cache key is computed (Prefect 3's names).

Policies compose with `+` (all parts must produce a key) and `INPUTS - "arg"` drops an
argument from the inputs hash.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from headrace.utilities.hashing import hash_objects

if TYPE_CHECKING:
    from headrace.context import TaskRunContext


class CachePolicy:
    """Base class: `compute_key` returns a key, or None to not cache this run."""

    def compute_key(
        self,
        task_ctx: TaskRunContext,
        inputs: dict[str, Any],
        flow_parameters: dict[str, Any] | None,
        **kwargs: Any,
    ) -> str | None:
        raise NotImplementedError

    def __add__(self, other: CachePolicy) -> CachePolicy:
        if isinstance(other, _NoCache):
            return self
        if isinstance(self, _NoCache):
            return other
        left = self.policies if isinstance(self, CompoundCachePolicy) else [self]
        right = other.policies if isinstance(other, CompoundCachePolicy) else [other]
        return CompoundCachePolicy([*left, *right])

    def __sub__(self, name: str) -> CachePolicy:
        raise TypeError(f"cannot exclude inputs from {type(self).__name__}")

    @classmethod
    def from_cache_key_fn(cls, cache_key_fn: Callable[..., str | None]) -> CachePolicy:
        return CacheKeyFnPolicy(cache_key_fn)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class CacheKeyFnPolicy(CachePolicy):
    """Calls a user function `(context, parameters) -> key`."""

    def __init__(self, cache_key_fn: Callable[..., str | None]) -> None:
        self.cache_key_fn = cache_key_fn

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        return self.cache_key_fn(task_ctx, inputs)


class CompoundCachePolicy(CachePolicy):
    """Several policies hashed together; no key if any part gives none."""

    def __init__(self, policies: list[CachePolicy]) -> None:
        self.policies = policies

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        keys = [policy.compute_key(task_ctx, inputs, flow_parameters) for policy in self.policies]
        if any(key is None for key in keys):
            return None
        return hash_objects(*keys)

    def __sub__(self, name: str) -> CachePolicy:
        return CompoundCachePolicy(
            [policy - name if isinstance(policy, Inputs) else policy for policy in self.policies]
        )

    def __repr__(self) -> str:
        return " + ".join(repr(policy) for policy in self.policies)


class _NoCache(CachePolicy):
    """Never cache."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        return None

    def __repr__(self) -> str:
        return "NONE"


class Inputs(CachePolicy):
    """Hash of the task's arguments (minus excluded ones)."""

    def __init__(self, exclude: list[str] | None = None) -> None:
        self.exclude = list(exclude or [])

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        kept = {name: value for name, value in inputs.items() if name not in self.exclude}
        return hash_objects(kept)

    def __sub__(self, name: str) -> CachePolicy:
        return Inputs(exclude=[*self.exclude, name])

    def __repr__(self) -> str:
        return f"Inputs(exclude={self.exclude})" if self.exclude else "INPUTS"


_source_hashes: dict[Any, str | None] = {}


class TaskSource(CachePolicy):
    """Hash of the task function's source: editing the task invalidates its cache."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        fn = task_ctx.task.fn
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
        return hash_objects(flow_parameters or {})

    def __repr__(self) -> str:
        return "FLOW_PARAMETERS"


class RunId(CachePolicy):
    """The flow run's id: caching only within one flow run."""

    def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):  # type: ignore[override]
        return task_ctx.task_run.flow_run_id or task_ctx.task_run.id

    def __repr__(self) -> str:
        return "RUN_ID"


NONE = _NoCache()
INPUTS = Inputs()
TASK_SOURCE = TaskSource()
FLOW_PARAMETERS = FlowParameters()
RUN_ID = RunId()
DEFAULT = INPUTS + TASK_SOURCE + RUN_ID
NO_CACHE = NONE

__all__ = [
    "DEFAULT",
    "FLOW_PARAMETERS",
    "INPUTS",
    "NONE",
    "NO_CACHE",
    "RUN_ID",
    "TASK_SOURCE",
    "CacheKeyFnPolicy",
    "CachePolicy",
    "CompoundCachePolicy",
    "FlowParameters",
    "Inputs",
    "RunId",
    "TaskSource",
]
