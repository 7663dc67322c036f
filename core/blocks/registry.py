"""The block-type registry: slug -> Block subclass.

Two ways in: a Block subclass registers itself when its class statement runs (so a block
defined in user code needs no plugin), and installed plugins return their block types
from the `register_block_types` hook, which is consulted on the first miss and for
listings (so `Block.load("s3-bucket/x")` works before anything imported headrace_aws).
"""

from __future__ import annotations

import inspect
import sys
import threading
import warnings
from typing import TYPE_CHECKING

from headrace.blocks.errors import UnknownBlockType
from headrace.blocks.names import did_you_mean
from headrace.plugins.manager import collect_by_plugin, get_plugin_manager

if TYPE_CHECKING:
    from headrace.blocks.core import Block

_types: dict[str, type[Block]] = {}
_sources: dict[str, str] = {}  # slug -> plugin name that returned it from the hook
_collected_from: object | None = None  # the plugin manager whose hooks were last collected
_lock = threading.RLock()


def register_block_type(cls: type[Block], source: str | None = None) -> None:
    """Make `cls` loadable by its slug; abstract bases are skipped.

    As in Prefect, the last class registered under a slug wins: redefining a class (same
    module and name, e.g. a re-run notebook cell) replaces it quietly, a different class
    replaces it with a warning that names both.
    """
    if inspect.isabstract(cls):
        return
    slug = cls.get_block_type_slug()
    with _lock:
        current = _types.get(slug)
        if current is not None and current is not cls and _qualname(current) != _qualname(cls):
            warnings.warn(
                f"Type {cls.__name__!r} ({_qualname(cls)}) has key {slug!r} that matches "
                f"existing registered type {current.__name__!r} ({_qualname(current)}). "
                "The existing type will be overridden (set `_block_type_slug` to keep both).",
                stacklevel=3,
            )
        _types[slug] = cls
        if source is not None:
            _sources[slug] = source
        elif current is not cls:
            _sources.pop(slug, None)


def is_block_class(value: object) -> bool:
    """True for `headrace.blocks.core.Block` and its subclasses.

    Checked without importing `headrace.blocks.core` (which imports this module): until
    that module has run, no Block class exists, so nothing can be one.
    """
    core = sys.modules.get("headrace.blocks.core")
    return core is not None and isinstance(value, type) and issubclass(value, core.Block)


def is_block(value: object) -> bool:
    """True for a Block instance (same rule as `is_block_class`)."""
    return is_block_class(type(value))


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _collect_plugins() -> None:
    """Register the block types of every plugin, once per plugin manager."""
    global _collected_from

    with _lock:
        pm = get_plugin_manager()
        if _collected_from is pm:
            return
        _collected_from = pm
        for plugin_name, cls in collect_by_plugin("register_block_types"):
            if is_block_class(cls):
                register_block_type(cls, source=plugin_name)
            else:
                warnings.warn(
                    f"headrace plugin {plugin_name!r} returned {cls!r} from "
                    f"register_block_types, which is not a Block subclass; ignored",
                    stacklevel=3,
                )


def load_prefect_collections() -> dict[str, str]:
    """Register the block types of every installed plugin (Prefect loads its installed
    collections at this point); returns each plugin-registered slug with its plugin."""
    _collect_plugins()
    return dict(_sources)


def lookup_block_type(slug: str) -> type[Block]:
    """The Block subclass for `slug`; the error suggests close slugs."""
    cls = _types.get(slug)
    if cls is None:
        _collect_plugins()
        cls = _types.get(slug)
    if cls is None:
        raise UnknownBlockType(
            f"unknown block type {slug!r}.{did_you_mean(slug, _types)} "
            f"See `headrace block types` for the registered types."
        )
    return cls


def block_types() -> dict[str, type[Block]]:
    """Every registered block type by slug, plugins' included, sorted by slug."""
    _collect_plugins()
    return dict(sorted(_types.items()))


def block_type_source(slug: str) -> str | None:
    """The plugin that registered the type, or None for a self-registered class."""
    return _sources.get(slug)


def forget_block_type(slug: str) -> None:
    """Drop a type from the registry (tests that define throwaway blocks)."""
    with _lock:
        _types.pop(slug, None)
        _sources.pop(slug, None)
