"""Record the expected outputs by running every script under real Prefect 3.

Run by hand, never by CI:

    python tests/compat/record.py --prefect-python /tmp/venv-prefect3/bin/python [NAME ...]

Each script runs in a fresh subprocess in an empty working directory; its stdout and exit
code are written to expected/<name>.out behind a two-line header.  PREFECT_HOME and
PREFECT_API_URL are taken from the environment when set (reusing one home, or pointing at a
running `prefect server start`, saves Prefect's ~10-20 s server start per script).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"
EXPECTED = HERE / "expected"
HEADER_TOOL = "# recorded-with: prefect "
HEADER_EXIT = "# exit-code: "
TIMEOUT_S = 300
# stderr is kept out of the repo, for reading when an output looks odd
STDERR_DIR = Path(tempfile.gettempdir(), "headrace-compat-stderr")


def prefect_version(python: str) -> str:
    out = subprocess.run(
        [python, "-c", "import prefect; print(prefect.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def record(python: str, version: str, script: Path) -> int:
    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PYTHONUNBUFFERED", "1")
    # recording_aid/sitecustomize.py: more patience for Prefect's server start under load
    env["PYTHONPATH"] = str(HERE / "recording_aid")
    env["HEADRACE_RECORDING_AID"] = "1"
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    with tempfile.TemporaryDirectory() as workdir:
        if "PREFECT_HOME" not in os.environ:
            env["PREFECT_HOME"] = str(Path(workdir, "prefect-home"))
        proc = subprocess.run(
            [python, str(script)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    text = f"{HEADER_TOOL}{version}\n{HEADER_EXIT}{proc.returncode}\n{proc.stdout}"
    (EXPECTED / f"{script.stem}.out").write_text(text)
    STDERR_DIR.mkdir(exist_ok=True)
    (STDERR_DIR / f"{script.stem}.err").write_text(proc.stderr)
    check_logged(script.stem, proc.stderr)
    return proc.returncode


def check_logged(name: str, stderr: str) -> None:
    """The hand-written .logged lists must hold for Prefect too, or they prove nothing."""
    path = EXPECTED / f"{name}.logged"
    if not path.exists():
        return
    for message in filter(None, path.read_text().splitlines()):
        if message not in stderr:
            print(f"{name}: {message!r} not in Prefect's stderr", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefect-python", required=True)
    parser.add_argument("names", nargs="*", help="script names without .py (default: all)")
    args = parser.parse_args()
    version = prefect_version(args.prefect_python)
    wanted = set(args.names)
    EXPECTED.mkdir(exist_ok=True)
    for script in sorted(SCRIPTS.glob("*.py")):
        if wanted and script.stem not in wanted:
            continue
        code = record(args.prefect_python, version, script)
        print(f"{script.stem}: exit {code}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
