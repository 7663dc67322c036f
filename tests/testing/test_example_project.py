"""The example user project's own test suite passes when run from its directory.

Plugin autoload is off and the plugins it needs are named, so the integration plugins
installed in this venv stay out of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

USER_PLUGINS = (
    "headrace.testing.pytest_plugin",
    "pytest_asyncio.plugin",
    "respx.plugin",
)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "user-project"


def test_example_project_suite_passes() -> None:
    plugins = [arg for plugin in USER_PLUGINS for arg in ("-p", plugin)]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *plugins],
        cwd=EXAMPLE,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert summary.startswith("8 passed"), summary
