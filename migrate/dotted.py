"""Dotted-name helpers without libcst, so that the pre-filter and the first pass (stdlib
`ast`) start fast: a run that only skips files never imports libcst."""

from __future__ import annotations

from headrace.migrate.legacy_names import MODULE_MOVES


def normalise(dotted: str) -> str:
    """Read `headrace...` / `headrace_aws...` as their `prefect` spelling, and 0.15-era
    module paths (`prefect.engine.executors.X`) as their 1.x home, so that every rule
    sees one spelling in the first pass (see `legacy_names.MODULE_MOVES`)."""
    if dotted == "headrace" or dotted.startswith("headrace."):
        dotted = "prefect" + dotted[len("headrace") :]
    elif dotted.startswith("headrace_"):
        return "prefect_" + dotted[len("headrace_") :]
    if dotted.startswith("prefect."):
        return moved_module(dotted)
    return dotted


def moved_module(dotted: str) -> str:
    """`dotted` with its longest legacy module prefix replaced by the module's new home."""
    parts = dotted.split(".")
    for cut in range(len(parts), 1, -1):
        new = MODULE_MOVES.get(".".join(parts[:cut]))
        if new is not None:
            return ".".join([new, *parts[cut:]])
    return dotted


def suffixes(dotted: str, minimum: int = 2) -> list[str]:
    """`a.b.c` -> [`a.b.c`, `b.c`] (at least `minimum` parts), for matching across roots."""
    parts = dotted.split(".")
    return [".".join(parts[i:]) for i in range(0, len(parts) - minimum + 1)]


def matches(dotted: str | None, known: set[str] | frozenset[str]) -> bool:
    """True when `dotted` or one of its 2+-part suffixes is in `known`."""
    if not dotted:
        return False
    return any(s in known for s in suffixes(dotted))
