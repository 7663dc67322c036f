"""P299: 2.x names removed in 3.x that are still used after migration -> TODO."""

from __future__ import annotations

from headrace.migrate.legacy_names import REMOVED_2X
from headrace.migrate.rules.p199_leftovers_1x import Leftovers1x


class Leftovers2x(Leftovers1x):
    code = "P299"
    name = "unsupported-2x"
    summary = "2.x names removed in 3.x still used after migration -> TODO"
    table = REMOVED_2X
    calls_only = {}
