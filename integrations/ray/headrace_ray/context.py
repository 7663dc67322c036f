"""`remote_options`: Ray `@remote` options for the task runs submitted in a block."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

_options: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "headrace_ray_remote_options", default=MappingProxyType({})
)


@contextlib.contextmanager
def remote_options(**options: Any) -> Iterator[None]:
    """Submit task runs with these Ray options (`num_cpus=4`, `num_gpus=1`, `resources=`...).

    Nested blocks merge their options; the inner value wins for a key set in both.
    """
    token = _options.set({**_options.get(), **options})
    try:
        yield
    finally:
        _options.reset(token)


def current_remote_options() -> dict[str, Any]:
    """The options of the innermost `remote_options` block (empty outside any)."""
    return dict(_options.get())
