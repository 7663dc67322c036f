"""The `headrace_blocks` fixture's view of an isolated block store.

Blocks are saved with `Block.save(name)` into the harness's store, exactly as user code
saves them, so `Block.load` in the code under test finds them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["BlockStore"]


class BlockStore:
    """Saved blocks by `"block-type/name"` reference."""

    def add(self, name: str, block: Any) -> Any:
        """Save `block` as `name` (replacing any block of its type with that name).

        `name` may be a plain name or `"block-type/name"`; `block` a Block, or a dict of
        field values when `name` gives the block type.
        """
        from headrace.blocks.core import Block
        from headrace.blocks.registry import lookup_block_type

        slug, _, plain = name.rpartition("/")
        if not isinstance(block, Block):
            if not slug or not isinstance(block, Mapping):
                raise TypeError(
                    f"blocks: give {name!r} a Block, or name it 'block-type/name' and give "
                    f"a dict of its fields"
                )
            block = lookup_block_type(slug)(**block)
        elif slug and slug != block.get_block_type_slug():
            raise ValueError(
                f"blocks: {name!r} names block type {slug!r} but the value is a "
                f"{block.get_block_type_slug()!r} block"
            )
        block.save(plain, overwrite=True)
        return block

    def update(self, documents: Mapping[str, Any]) -> None:
        """`add` each `name: block` pair."""
        for name, block in documents.items():
            self.add(name, block)

    def load(self, reference: str) -> Any:
        """The saved block `"block-type/name"`."""
        from headrace.blocks.core import Block

        return Block.load(reference)

    def references(self) -> list[str]:
        """Every saved block as `"block-type/name"`, sorted."""
        from headrace.blocks import documents
        from headrace.store import get_store

        return [row.reference for row in documents.list_documents(get_store())]

    def __getitem__(self, reference: str) -> Any:
        return self.load(reference)

    def __contains__(self, reference: object) -> bool:
        return reference in self.references()

    def __iter__(self) -> Iterator[str]:
        return iter(self.references())

    def __len__(self) -> int:
        return len(self.references())

    def __repr__(self) -> str:
        return f"<BlockStore {self.references()}>"
