"""What a state change through `get_client()` answers (Prefect's names)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict

from headrace.states import State


class SetStateStatus(str, Enum):
    ACCEPT = "ACCEPT"
    REJECT = "REJECT"
    ABORT = "ABORT"
    WAIT = "WAIT"


class StateRejectDetails(BaseModel):
    type: str = "reject_details"
    reason: str | None = None


class StateAcceptDetails(BaseModel):
    type: str = "accept_details"


class OrchestrationResult(BaseModel):
    """`status` says whether the state was set; `state` is the run's state afterwards."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    state: State | None
    status: SetStateStatus
    details: Any = None


__all__ = ["OrchestrationResult", "SetStateStatus", "StateAcceptDetails", "StateRejectDetails"]
