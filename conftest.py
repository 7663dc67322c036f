"""Test-run isolation for this repository's own suites.

Every test process, and every subprocess it starts, records into a fresh
`HEADRACE_HOME` instead of the developer's `~/.headrace`: a store left there by another
checkout (or a newer schema) must never decide whether a test passes.
"""

import atexit
import os
import shutil
import tempfile

_home = tempfile.mkdtemp(prefix="headrace-test-home-")
os.environ["HEADRACE_HOME"] = _home
atexit.register(shutil.rmtree, _home, ignore_errors=True)
# the same for a database or server named in the developer's environment
for _variable in ("HEADRACE_DATABASE", "HEADRACE_DATABASE_URL", "HEADRACE_API_URL"):
    os.environ.pop(_variable, None)
