"""Gathering rules: the built-in ones and those plugins register, in run order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from headrace.migrate.rule import Rule


def all_rules() -> list[type[Rule]]:
    """Every rule from the `register_migrate_rules` hook, sorted by (phase, code).

    The built-in rules come through the same hook (`headrace.migrate.builtins`); if the
    plugin manager cannot load, the built-ins are still returned.
    """
    from headrace.migrate.rule import Rule

    try:
        from headrace.plugins.manager import collect

        rules = list(collect("register_migrate_rules"))
    except Exception:
        rules = []
    if not rules:
        from headrace.migrate.rules import BUILTIN_RULES

        rules = list(BUILTIN_RULES)
    unique = {
        rule.code: rule for rule in rules if isinstance(rule, type) and issubclass(rule, Rule)
    }
    return sorted(unique.values(), key=lambda r: (r.phase, r.code))


def select(rules: list[type[Rule]], only: set[str], skip: set[str]) -> list[type[Rule]]:
    """Apply --only / --skip (codes or names)."""

    def named(rule: type[Rule], wanted: set[str]) -> bool:
        return rule.code in wanted or rule.name in wanted

    chosen = [r for r in rules if not only or named(r, only)]
    return [r for r in chosen if not named(r, skip)]
