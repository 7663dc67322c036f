"""`make demo`: run the example flows, then show the run history from the store.

Each demo run starts from a fresh HEADRACE_HOME under examples/.demo so what it prints
is the history of this run only.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
HOME = EXAMPLES / ".demo" / "home"


def headrace(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "headrace", *args], check=True)


def section(title: str) -> None:
    print(f"\n\033[1m== {title} ==\033[0m", flush=True)


def run_showcase() -> None:
    sys.path.insert(0, str(EXAMPLES / "flows"))
    from showcase import over_budget, showcase

    section("A flow with retries, caching, mapping and a subflow")
    print("result:", showcase())
    section("The same flow again: the cached lookup is not recomputed")
    print("result:", showcase(pages=1))
    section("A flow that fails")
    state = over_budget(return_state=True)
    print(f"over-budget ended {state.name}: {state.message}")


def main() -> None:
    shutil.rmtree(HOME, ignore_errors=True)
    os.environ["HEADRACE_HOME"] = str(HOME)
    run_showcase()
    from headrace.store.runs import list_flow_runs

    section("Run history (headrace runs ls)")
    headrace("runs", "ls")
    newest_showcase = next(run for run in list_flow_runs() if run["flow_name"] == "showcase")
    section(f"One run in detail (headrace runs show {newest_showcase['id'][:8]})")
    headrace("runs", "show", newest_showcase["id"][:8])
    for extra in ("demo_migrate.py", "etl/run_etl.py"):
        script = EXAMPLES / extra
        if script.exists():
            section(f"examples/{extra}")
            subprocess.run([sys.executable, str(script)], check=True)
    section("See these runs in the web UI")
    print(f"{ui_command()}\nthen open http://127.0.0.1:4200")


def ui_command() -> str:
    """The command that serves the demo's store with the web UI, runnable from here."""

    def shown(path: Path) -> str:
        try:
            return shlex.quote(os.path.relpath(path))
        except ValueError:  # another drive
            return shlex.quote(str(path))

    return f"HEADRACE_HOME={shown(HOME)} {shown(Path(sys.executable))} -m headrace server start"


if __name__ == "__main__":
    main()
