"""Events tests: fixtures from tests/server/event_fixtures.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from event_fixtures import isolated_home, remote, server  # noqa: E402, F401
