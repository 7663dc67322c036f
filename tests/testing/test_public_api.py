"""`headrace.testing` exports its helpers lazily: pytest imports the plugin in every run."""

from __future__ import annotations

import subprocess
import sys

import headrace.testing


def test_every_exported_name_resolves() -> None:
    for name in headrace.testing.__all__:
        assert getattr(headrace.testing, name) is not None, name


def test_loading_the_plugin_does_not_load_the_engine() -> None:
    probe = (
        "import sys, headrace.testing.pytest_plugin; "
        "print(sorted(m for m in ('headrace.tasks', 'headrace.flows', 'headrace.blocks.core',"
        " 'httpx', 'headrace.plugins.manager') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
