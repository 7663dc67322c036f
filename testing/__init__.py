"""headrace's testing toolkit: the in-process harness, assertion helpers and pytest plugin.

The pytest plugin (`headrace.testing.pytest_plugin`) is registered through the `pytest11`
entry point, so installing headrace makes its fixtures available to any test suite.
"""

from headrace.testing.utilities import HarnessInfo, headrace_test_harness, prefect_test_harness

__all__ = ["HarnessInfo", "headrace_test_harness", "prefect_test_harness"]
