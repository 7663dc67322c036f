"""pytest fixtures for flows that run dbt (`pip install "headrace-dbt[testing]"`).

    dbt_project           a private copy of a dbt project with a ready DuckDB profile
    dbt_project_module    the same, shared by a test module
    dbt_project_session   the same, shared by the test session

Configure with the marker of the same name: `@pytest.mark.dbt_project(path=..., threads=1)`
(default: the bundled sample project). Copies go to pytest's temporary directories, so
dbt's `target/` and `logs/` never land in your repository. Importing this module does
not import dbt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from headrace_dbt.testing import DbtProject

MARKER = (
    "dbt_project(path=None, threads=1): the dbt project the dbt_project fixtures copy "
    "(default: headrace-dbt's sample project) and the DuckDB threads of its profile"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("dbt_project") if request.scope != "session" else None
    options: dict[str, Any] = {"path": None, "threads": 1}
    if marker is not None:
        options.update(zip(("path", "threads"), marker.args, strict=False))
        options.update(marker.kwargs)
    return options


def _project_fixture(scope: str) -> Callable[..., DbtProject]:
    @pytest.fixture(scope=scope)  # type: ignore[call-overload]
    def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
        from headrace_dbt.testing import SAMPLE_PROJECT, DbtProject

        options = _options(request)
        source = Path(options["path"] or SAMPLE_PROJECT)
        workdir = tmp_path_factory.mktemp("dbt-project")
        return DbtProject.create(source, workdir, options["threads"])

    return project


dbt_project = _project_fixture("function")
dbt_project_module = _project_fixture("module")
dbt_project_session = _project_fixture("session")
