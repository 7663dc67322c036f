"""`headrace config set/unset/view/validate` and `headrace profile ...` against the real
profiles file, each command a real subprocess; a value set in a profile takes effect in a
real flow run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FLOW = """
from headrace import flow, get_run_logger

@flow
def hello():
    get_run_logger().debug("a-debug-line")

hello()
"""


def _debug_logged(home: Path, tmp_path: Path) -> bool:
    script = tmp_path / "debug_flow.py"
    script.write_text(FLOW)
    done = subprocess.run(
        [sys.executable, str(script)],
        env={"HEADRACE_HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return "a-debug-line" in done.stdout + done.stderr


def test_set_view_effect_and_unset(cli, home, tmp_path, monkeypatch):
    monkeypatch.delenv("HEADRACE_LOGGING_LEVEL", raising=False)
    monkeypatch.delenv("PREFECT_LOGGING_LEVEL", raising=False)
    assert not _debug_logged(home, tmp_path)

    done = cli("config", "set", "PREFECT_LOGGING_LEVEL=debug", "HEADRACE_API_KEY=s3cret-key")
    assert done.code == 0, done.err
    assert "s3cret-key" not in done.out + done.err
    text = (home / "profiles.toml").read_text()
    assert 'HEADRACE_LOGGING_LEVEL = "debug"' in text  # written under the HEADRACE_ name
    assert (home / "profiles.toml").stat().st_mode & 0o077 == 0  # owner-only: it holds a key

    view = cli("config", "view", "-o", "json").json()
    by_name = {row["name"]: row for row in view}
    assert by_name["HEADRACE_LOGGING_LEVEL"] == {
        "name": "HEADRACE_LOGGING_LEVEL",
        "value": "debug",
        "source": "profile 'default'",
    }
    assert by_name["HEADRACE_API_KEY"]["value"] == "********"
    shown = cli("config", "view", "--show-defaults", "--show-sources")
    assert "HEADRACE_LOGGING_LEVEL='debug' (from profile 'default')" in shown.out
    assert "HEADRACE_WORKER_POLL_SECONDS='2.0' (from default)" in shown.out
    assert "s3cret-key" not in shown.out + shown.err
    inspected = cli("profile", "inspect", "-o", "json").json()
    assert inspected == {"HEADRACE_LOGGING_LEVEL": "debug", "HEADRACE_API_KEY": "********"}
    assert _debug_logged(home, tmp_path)

    # the environment wins over the profile, and says so
    env_wins = cli("config", "view", env={"HEADRACE_LOGGING_LEVEL": "ERROR"})
    assert "HEADRACE_LOGGING_LEVEL='ERROR' (from env)" in env_wins.out

    assert cli("config", "unset", "HEADRACE_LOGGING_LEVEL", "PREFECT_API_KEY").code == 0
    assert "LOGGING_LEVEL" not in (home / "profiles.toml").read_text()
    assert not _debug_logged(home, tmp_path)
    again = cli("config", "unset", "HEADRACE_LOGGING_LEVEL")
    assert again.code == 1 and "not set in profile 'default'" in again.err


def test_invalid_values_are_refused_naming_the_variable(cli, home):
    bad = cli("config", "set", "HEADRACE_LOGGING_LEVEL=DEBUG", "HEADRACE_WORKER_POLL_SECONDS=soon")
    assert bad.code == 1 and "HEADRACE_WORKER_POLL_SECONDS='soon'" in bad.err
    assert not (home / "profiles.toml").exists()  # nothing written when one value is bad
    secret = cli("config", "set", "HEADRACE_API_AUTH_STRING=")
    assert secret.code == 0
    unknown = cli("config", "set", "HEADRACE_NO_SUCH_THING=1")
    assert unknown.code == 1 and "unknown setting 'HEADRACE_NO_SUCH_THING'" in unknown.err
    env_only = cli("config", "set", "HEADRACE_DISABLE_PLUGINS=a")
    assert env_only.code == 1 and "environment only" in env_only.err

    # a bad value already in the profile: validate names it, unset repairs it
    (home / "profiles.toml").write_text(
        'active = "default"\n[profiles.default]\nHEADRACE_CONCURRENCY_LEASE_SECONDS = "-3"\n'
    )
    checked = cli("config", "validate")
    assert checked.code == 1
    assert "HEADRACE_CONCURRENCY_LEASE_SECONDS='-3'" in checked.err and "profile" in checked.err
    assert cli("config", "unset", "HEADRACE_CONCURRENCY_LEASE_SECONDS").code == 0
    assert cli("config", "validate").code == 0
    leaked = cli("config", "validate", env={"HEADRACE_API_AUTH_STRING": "user:pw"})
    assert "user:pw" not in leaked.out + leaked.err


def test_profile_create_use_rename_delete(cli, home):
    assert cli("profile", "create", "prod").code == 0
    assert cli("profile", "create", "prod").code == 1
    assert cli("profile", "use", "prod").code == 0
    assert cli("config", "set", "HEADRACE_RESULTS_PERSIST_BY_DEFAULT=true").code == 0
    listed = cli("profile", "ls", "-o", "json").json()
    assert {"name": "prod", "active": True} in listed
    assert cli("profile", "inspect", "default", "-o", "json").json() == {}
    refused = cli("profile", "delete", "prod")
    assert refused.code == 1 and "is active" in refused.err
    assert cli("profile", "rename", "prod", "production").code == 0
    view = cli("config", "view").out
    assert view.startswith("HEADRACE_PROFILE='production'")
    assert "HEADRACE_RESULTS_PERSIST_BY_DEFAULT='true' (from profile 'production')" in view
    # HEADRACE_PROFILE picks another profile for one command
    other = cli("config", "view", env={"HEADRACE_PROFILE": "default"}).out
    assert "PERSIST_BY_DEFAULT" not in other
    missing = cli("config", "view", env={"HEADRACE_PROFILE": "nope"})
    assert missing.code == 1 and "HEADRACE_PROFILE='nope'" in missing.err
    assert cli("profile", "use", "default").code == 0
    assert cli("profile", "delete", "production").code == 0
    assert cli("profile", "ls", "-o", "json").json() == [{"name": "default", "active": True}]
