"""Blocks: typed, named configuration (credentials, storage, settings) kept in the store.

`headrace.blocks` pulls in pydantic and cryptography, so nothing in `import headrace`
imports it: it loads when a flow first uses a block. `Block` is available here lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # deferred: blocks.core brings pydantic and cryptography
    from headrace.blocks.core import Block

__all__ = ["Block"]


def __getattr__(name: str) -> Any:
    if name == "Block":
        from headrace.blocks.core import Block

        return Block
    raise AttributeError(f"module 'headrace.blocks' has no attribute {name!r}")
