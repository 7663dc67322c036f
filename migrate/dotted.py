"""Dotted-name helpers without libcst, so that the pre-filter and the first pass (stdlib
`ast`) start fast: a run that only skips files never imports libcst."""

from __future__ import annotations


def normalise(dotted: str) -> str:
    """Read `headrace...` / `headrace_aws...` as their `prefect` spelling."""
    if dotted == "headrace" or dotted.startswith("headrace."):
        return "prefect" + dotted[len("headrace") :]
    if dotted.startswith("headrace_"):
        return "prefect_" + dotted[len("headrace_") :]
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
