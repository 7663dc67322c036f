"""P116: 1.x secrets -> the `Secret` block (`Secret.load("slug").get()`) or `os.environ`."""

from __future__ import annotations

import re

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import expr, kwarg, positional, string_value

_PREFECT_SECRET = {
    "prefect.tasks.secrets.PrefectSecret",
    "prefect.tasks.secrets.base.PrefectSecret",
}
_ENV_SECRET = {"prefect.tasks.secrets.EnvVarSecret", "prefect.tasks.secrets.env_var.EnvVarSecret"}
_CLIENT_SECRET = {"prefect.client.Secret", "prefect.client.secrets.Secret"}


def block_slug(name: str) -> str:
    """Block names allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "secret"


class Secrets(Rule):
    code = "P116"
    name = "secrets"
    summary = '`PrefectSecret("X")` -> `Secret.load("x").get()`; `EnvVarSecret` -> `os.environ`'
    phase = PHASE_1X_DETAILS
    triggers = ("Secret",)
    todo_notes = "creating the Secret block under its new slug (block names are lowercase-dashed)."

    def leave_Call(self, original_node, updated_node):
        call = updated_node
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "get":
            inner = call.func.value
            if isinstance(inner, cst.Call) and self.qualname(inner.func) in _CLIENT_SECRET:
                return self._load(inner) or updated_node
        qual = self.qualname(call.func)
        if qual in _PREFECT_SECRET:
            return self._load(call) or updated_node
        if qual in _ENV_SECRET:
            name = kwarg(call, "name") or positional(call, 0)
            if name is None:
                return updated_node
            self.add_import("os", "")
            return cst.Call(func=expr("os.environ.get"), args=[cst.Arg(name.value)])
        return updated_node

    def _load(self, call: cst.Call) -> cst.Call | None:
        name = kwarg(call, "name") or positional(call, 0)
        value = string_value(name.value) if name else None
        if value is None:
            return None
        slug = block_slug(value)
        self.add_import("prefect.blocks.system", "Secret")
        self.todo(f'create a Secret block named "{slug}" holding what the 1.x secret {value} held')
        return expr(f'Secret.load("{slug}").get()')
