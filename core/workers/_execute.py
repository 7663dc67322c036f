"""Subprocess entry point of a worker: `python -m headrace.workers._execute FLOW_RUN_ID`.

Loads the deployment's flow from its entrypoint and runs the stored flow run. SIGTERM (sent
when the worker shuts down or dies) ends the run as Crashed, recorded before exiting; the
run ends Cancelled when `headrace flow-run cancel` sent it (see headrace.flow_engine).
"""

from __future__ import annotations

import signal
import sys

from headrace.deployments import records
from headrace.deployments.execution import run_stored_flow_run
from headrace.deployments.loading import EntrypointError, load_flow
from headrace.exceptions import Pause, TerminationSignal


def _terminate(signum: int, frame: object) -> None:
    # before the flow starts; during the run the engine raises the same for SIGTERM
    raise TerminationSignal(signum)


def main(run_id: str) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    row = records.run_row(run_id)
    if row is None:
        print(f"flow run {run_id} not found", file=sys.stderr)
        return 2
    deployment = records.get_deployment(row["deployment_id"])
    try:
        flow = load_flow(deployment.path, deployment.entrypoint or "")
    except EntrypointError as exc:
        message = f"Flow could not be loaded: {exc}"
        records.set_run_state(run_id, "FAILED", "Failed", message)
        print(message, file=sys.stderr)
        return 1
    try:
        state = run_stored_flow_run(flow, row)
    except records.RunRejected as exc:
        print(exc, file=sys.stderr)
        return 1
    except TerminationSignal:
        return 143
    except Pause:  # suspended: the run is recorded Suspended and resumes as a new start
        return 0
    return 0 if state.is_completed() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
