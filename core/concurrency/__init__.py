"""Concurrency and rate limits kept in the store, so they hold across threads and processes.

Use `headrace.concurrency.sync` (or `.asyncio`) for `concurrency(...)` and `rate_limit(...)`;
task tags with a limit go through `headrace.concurrency.tags`. Limits themselves are managed
with `headrace.concurrency.limits` or the `headrace gcl` / `headrace concurrency-limit` CLI.
"""

from headrace.concurrency.errors import (
    AcquireConcurrencySlotTimeoutError,
    ConcurrencySlotAcquisitionError,
)

__all__ = ["AcquireConcurrencySlotTimeoutError", "ConcurrencySlotAcquisitionError"]
