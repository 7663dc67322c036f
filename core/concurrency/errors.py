"""Errors raised when slots cannot be acquired."""

from __future__ import annotations

from headrace.exceptions import HeadraceException


class ConcurrencySlotAcquisitionError(HeadraceException):
    """Slots can never be acquired: the limit is missing (strict mode), too small or unusable."""


class AcquireConcurrencySlotTimeoutError(ConcurrencySlotAcquisitionError, TimeoutError):
    """Slots were not free within `timeout_seconds`."""
