"""Prefect 2.x/3.x prefect-ray code -> headrace_ray.

Imports of `prefect_ray` keep their names (the core moves the import root):
`RayTaskRunner` and `remote_options` exist here under the same modules. Futures are
headrace's own, so annotations and isinstance checks on `PrefectRayFuture` move to
`PrefectFuture`.
"""

from __future__ import annotations

from headrace.migrate import PHASE_2X, RenameImports


class RayFutures2x(RenameImports):
    code = "RAY201"
    name = "ray-2x"
    summary = "`prefect_ray`'s `PrefectRayFuture` -> `PrefectFuture`"
    phase = PHASE_2X
    triggers = ("PrefectRayFuture",)
    moves = {
        "prefect_ray.task_runners.PrefectRayFuture": "prefect.futures.PrefectFuture",
        "prefect_ray.PrefectRayFuture": "prefect.futures.PrefectFuture",
    }
