"""pytest fixtures for flows that run dbt (`pip install "headrace-dbt[testing]"`).

    headrace_dbt_project           a private copy of a dbt project with a ready DuckDB
                                   profile
    headrace_dbt_project_module    the same, shared by a test module
    headrace_dbt_project_session   the same, shared by the test session

Configure with the marker of the same name:
`@pytest.mark.headrace_dbt_project(path=..., threads=1)` (default: the bundled sample
project). The names before the `headrace_` prefix (`dbt_project`, also as a marker, and
its scoped variants) work with a DeprecationWarning until headrace 0.3. Copies go to
pytest's temporary directories, so dbt's `target/` and `logs/` never land in your
repository. Importing this module does not import dbt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from headrace.testing.pytest_plugin import closest_marker, deprecated_fixture

if TYPE_CHECKING:
    from headrace_dbt.testing import DbtProject

MARKER = (
    "headrace_dbt_project(path=None, threads=1): the dbt project the headrace_dbt_project "
    "fixtures copy (default: headrace-dbt's sample project) and the DuckDB threads of its "
    "profile"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    config.addinivalue_line(
        "markers", "dbt_project: deprecated alias of headrace_dbt_project (gone in 0.3)"
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = None
    if request.scope != "session":
        marker = closest_marker(request, "headrace_dbt_project", old_name="dbt_project")
    options: dict[str, Any] = {"path": None, "threads": 1}
    if marker is not None:
        options.update(zip(("path", "threads"), marker.args, strict=False))
        options.update(marker.kwargs)
    return options


def _project_fixture(scope: str, name: str) -> Callable[..., DbtProject]:
    @pytest.fixture(scope=scope, name=name)  # type: ignore[call-overload]
    def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
        from headrace_dbt.testing import SAMPLE_PROJECT, DbtProject

        options = _options(request)
        source = Path(options["path"] or SAMPLE_PROJECT)
        workdir = tmp_path_factory.mktemp("dbt-project")
        return DbtProject.create(source, workdir, options["threads"])

    return project


headrace_dbt_project = _project_fixture("function", "headrace_dbt_project")
headrace_dbt_project_module = _project_fixture("module", "headrace_dbt_project_module")
headrace_dbt_project_session = _project_fixture("session", "headrace_dbt_project_session")

_dbt_project = deprecated_fixture("dbt_project", "headrace_dbt_project")
_dbt_project_module = deprecated_fixture(
    "dbt_project_module", "headrace_dbt_project_module", "module"
)
_dbt_project_session = deprecated_fixture(
    "dbt_project_session", "headrace_dbt_project_session", "session"
)
