"""Run every compatibility script on headrace and compare with Prefect 3's recorded output.

The scripts are written against `prefect`; each is copied with its imports rewritten to
`headrace` and run in its own interpreter with a fresh HEADRACE_HOME, so no test sees
another's runs, caches or settings.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCRIPTS_DIR = HERE / "scripts"
EXPECTED_DIR = HERE / "expected"
SCRIPTS = sorted(SCRIPTS_DIR.glob("*.py"))
RUN_TIMEOUT_S = 60

# The rewrite is deliberately small: the three spellings the contract names.
_FROM = re.compile(r"^(\s*)from prefect(?=[.\s])", re.MULTILINE)
_IMPORT = re.compile(r"^(\s*)import prefect(?=[.\s,]|$)", re.MULTILINE)
_ATTR = re.compile(r"\bprefect\.(?=[A-Za-z_])")


def rewrite_imports(source: str) -> str:
    """Turn a Prefect script into a headrace one: `from prefect`, `import prefect`,
    and `prefect.` attribute paths."""
    source = _FROM.sub(r"\1from headrace", source)
    source = _IMPORT.sub(r"\1import headrace", source)
    return _ATTR.sub("headrace.", source)


def read_expected(name: str) -> tuple[int, str]:
    """Parse expected/<name>.out: a version line, an exit-code line, then stdout."""
    text = (EXPECTED_DIR / f"{name}.out").read_text()
    version_line, exit_line, stdout = text.split("\n", 2)
    assert version_line.startswith("# recorded-with: prefect "), version_line
    assert exit_line.startswith("# exit-code: "), exit_line
    return int(exit_line.removeprefix("# exit-code: ")), stdout


def read_logged(name: str) -> list[str]:
    path = EXPECTED_DIR / f"{name}.logged"
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line]


def run_on_headrace(script: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    target = tmp_path / script.name
    target.write_text(rewrite_imports(script.read_text()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HEADRACE_"))}
    env["HEADRACE_HOME"] = str(tmp_path / "headrace-home")
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run(
        [sys.executable, str(target)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_script_matches_prefect(script: Path, tmp_path: Path) -> None:
    exit_code, stdout = read_expected(script.stem)
    proc = run_on_headrace(script, tmp_path)
    detail = f"stderr (last 3000 chars):\n{proc.stderr[-3000:]}"
    assert proc.stdout == stdout, detail
    assert proc.returncode == exit_code, detail
    missing = [msg for msg in read_logged(script.stem) if msg not in proc.stderr]
    assert not missing, f"messages expected in the log output: {missing}\n{detail}"


def test_every_script_has_an_expected_file_and_vice_versa() -> None:
    scripts = {s.stem for s in SCRIPTS}
    expected = {p.stem for p in EXPECTED_DIR.glob("*.out")}
    logged = {p.stem for p in EXPECTED_DIR.glob("*.logged")}
    assert scripts, "no compatibility scripts found"
    assert scripts - expected == set(), "scripts without a recording"
    assert expected - scripts == set(), "stale recordings"
    assert logged - scripts == set(), "stale .logged files"


def test_recordings_come_from_prefect_3() -> None:
    for path in EXPECTED_DIR.glob("*.out"):
        first = path.read_text().split("\n", 1)[0]
        assert first.startswith("# recorded-with: prefect 3."), path.name


def test_rewrite_leaves_no_prefect_import() -> None:
    for script in SCRIPTS:
        rewritten = rewrite_imports(script.read_text())
        assert not re.search(r"^\s*(from|import) prefect\b", rewritten, re.MULTILINE), script
        assert "prefect." not in rewritten, script


def test_rewrite_examples() -> None:
    source = (
        "import prefect\n"
        "from prefect import flow\n"
        "from prefect.states import Failed\n"
        "x = prefect.runtime.flow_run.name\n"
    )
    assert rewrite_imports(source) == (
        "import headrace\n"
        "from headrace import flow\n"
        "from headrace.states import Failed\n"
        "x = headrace.runtime.flow_run.name\n"
    )
