"""Cost of `import prefect` plus `from prefect import flow, task`: time and memory."""

import time

from _probe import current_rss_mib, report

rss_before = current_rss_mib()
started = time.perf_counter()
import prefect  # noqa: E402, F401
from prefect import flow, task  # noqa: E402, F401

elapsed = time.perf_counter() - started
report(import_s=elapsed, rss_mib=current_rss_mib(), rss_added_mib=current_rss_mib() - rss_before)
