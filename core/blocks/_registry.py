"""Old location of the block-type registry, kept for tools that reach into it.

The peer suite's shim (../shared/peer-suite) restores `_types` and `_sources` after each
Prefect test through this path; the registry itself lives in `headrace.blocks.registry`
and these are the same dictionaries.
"""

from headrace.blocks.registry import _sources, _types

__all__ = ["_sources", "_types"]
