"""Moving saved `JSON` and `String` block documents to variables.

Rule P208 rewrites the code (`JSON.load("x").value` -> `Variable.get("x")`); this moves the
data those loads expect: each document becomes a variable of the same name holding its
value. A variable that already holds another value is never replaced without
`overwrite`, and a block goes only once its variable is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

_MISSING: Any = object()


@dataclass(frozen=True)
class Moved:
    """What happened to one block document."""

    block: str  # "json/etl-config"
    outcome: str  # moved | copied | skipped | would move
    detail: str = ""


def move_value_blocks(
    *, keep_blocks: bool = False, overwrite: bool = False, dry_run: bool = False
) -> list[Moved]:
    """Turn every saved JSON/String block into a variable; delete the block unless kept."""
    from headrace.blocks.system import JSON, String
    from headrace.store import get_store
    from headrace.variables import Variable

    done: list[Moved] = []
    for cls in (JSON, String):
        slug = cls.get_block_type_slug()
        for document in get_store().blocks.list(slug):  # named documents, by name
            name = document.name
            ref = f"{slug}/{name}"
            value = cls.load(name).value
            if isinstance(value, (datetime, date)):
                value = value.isoformat()
            try:
                current = Variable.get(name, default=_MISSING)
            except ValueError as exc:  # a block name that is not a valid variable name
                done.append(Moved(ref, "skipped", str(exc)))
                continue
            if current is not _MISSING and current != value and not overwrite:
                done.append(Moved(ref, "skipped", "a variable of that name holds another value"))
                continue
            if dry_run:
                done.append(Moved(ref, "would move", f"variable {name!r}"))
                continue
            Variable.set(name, value, overwrite=True)
            if keep_blocks:
                done.append(Moved(ref, "copied", f"variable {name!r}"))
                continue
            try:
                cls.delete(name)
            except Exception as exc:  # e.g. another block references it: it stays
                done.append(Moved(ref, "copied", f"variable {name!r}; the block stays: {exc}"))
            else:
                done.append(Moved(ref, "moved", f"variable {name!r}"))
    return done
