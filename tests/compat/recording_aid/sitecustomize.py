"""Recording aid, used only by record.py under Prefect: on a busy machine Prefect's test
harness gives its server 30 s to start and fails. Lengthen that limit; nothing else."""

import contextlib
import os

if os.environ.get("HEADRACE_RECORDING_AID") == "1":
    import prefect.testing.utilities as _utilities

    _original = _utilities.prefect_test_harness

    @contextlib.contextmanager
    def _patient_harness(server_startup_timeout=None):
        with _original(server_startup_timeout=server_startup_timeout or 300):
            yield

    _utilities.prefect_test_harness = _patient_harness
