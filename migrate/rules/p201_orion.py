"""P201: `prefect.orion` names (renamed in 2.8, removed in 2.13) -> their current home."""

from __future__ import annotations

from headrace.migrate.rule import PHASE_2X
from headrace.migrate.rules._renames import RenameImports

_MODULES = {
    "prefect.orion.schemas.states": "prefect.states",
    "prefect.server.schemas.states": "prefect.states",
    "prefect.orion.schemas.schedules": "prefect.client.schemas.schedules",
    "prefect.server.schemas.schedules": "prefect.client.schemas.schedules",
    "prefect.orion.schemas.filters": "prefect.client.schemas.filters",
    "prefect.orion.schemas.sorting": "prefect.client.schemas.sorting",
    "prefect.orion.schemas.core": "prefect.client.schemas.objects",
    "prefect.orion.schemas.actions": "prefect.client.schemas.actions",
    "prefect.client.orion": "prefect.client.orchestration",
}
_NAMES = {"OrionClient": "PrefectClient", "get_orion_client": "get_client"}


class Orion(RenameImports):
    code = "P201"
    name = "orion-paths"
    summary = (
        "`prefect.orion.*` / `OrionClient` -> `prefect.states`, `prefect.client.*`, `PrefectClient`"
    )
    phase = PHASE_2X
    triggers = ("orion", "server.schemas")
    todo_notes = "other prefect.orion modules (server internals: prefect.server.*)."

    def new_name(self, full: str) -> str | None:
        module, _, name = full.rpartition(".")
        if module in _MODULES:
            return f"{_MODULES[module]}.{_NAMES.get(name, name)}"
        if module.startswith("prefect.orion."):
            self.todo(f"{full}: prefect.orion is prefect.server now (server internals)")
        return None
