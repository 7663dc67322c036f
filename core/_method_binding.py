"""Flows and tasks used as instance, class and static methods: one binding logic for both."""

from __future__ import annotations

import copy
import types
from typing import Any

from headrace.utilities.callables import Signature


class MethodBinding:
    """Mixin for a wrapper of `fn` (with a `signature`) that behaves like the function it
    wraps when defined in a class body. Subclasses call `_unwrap_method` first in
    `__init__` and refresh anything derived from the signature in `_rebound`."""

    fn: Any
    signature: Signature
    _method_kind: str | None = None

    def _unwrap_method(self, fn: Any) -> Any:
        """Remember whether `fn` was a classmethod/staticmethod and return the function."""
        self._method_kind = None
        if isinstance(fn, (classmethod, staticmethod)):
            self._method_kind = "class" if isinstance(fn, classmethod) else "static"
            return fn.__func__
        return fn

    def _rewrapped_fn(self) -> Any:
        """The function as given to the decorator (for `with_options` copies)."""
        if self._method_kind == "class":
            return classmethod(self.fn)
        if self._method_kind == "static":
            return staticmethod(self.fn)
        return self.fn

    @property
    def isclassmethod(self) -> bool:
        return self._method_kind == "class"

    @property
    def isstaticmethod(self) -> bool:
        return self._method_kind == "static"

    def __get__(self, instance: Any, owner: Any) -> Any:
        """Reading the wrapper through an instance (or, for a classmethod, a class) gives
        a copy bound to it; a staticmethod or a read through the class gives it as is."""
        if self._method_kind == "class":
            return self._bound_to(owner)
        if instance is None or self._method_kind == "static":
            return self
        return self._bound_to(instance)

    def _bound_to(self, target: Any) -> Any:
        bound = copy.copy(self)
        bound.fn = types.MethodType(self.fn, target)
        bound._method_kind = None
        bound.signature = Signature(bound.fn)
        bound._rebound()
        return bound

    def _rebound(self) -> None:
        """Hook: refresh what a subclass derived from `fn` (the copy is shallow)."""
