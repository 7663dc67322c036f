"""Prefect's `_internal.states`: the sync twins of `headrace.states`' state builders."""

from __future__ import annotations

from headrace.states import (
    exception_to_crashed_state,
    exception_to_failed_state_from_store,
    return_value_to_state_sync,
)

exception_to_crashed_state_sync = exception_to_crashed_state
exception_to_failed_state_sync = exception_to_failed_state_from_store

__all__ = [
    "exception_to_crashed_state_sync",
    "exception_to_failed_state_sync",
    "return_value_to_state_sync",
]
