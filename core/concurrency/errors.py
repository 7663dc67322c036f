"""Errors raised when slots cannot be acquired (defined in `headrace.exceptions`, where the
store that raises them can reach them; the same classes)."""

from __future__ import annotations

from headrace.exceptions import AcquireConcurrencySlotTimeoutError, ConcurrencySlotAcquisitionError

__all__ = ["AcquireConcurrencySlotTimeoutError", "ConcurrencySlotAcquisitionError"]
