"""The objects, filters and sorts of `headrace.client` (Prefect's client schema names)."""

from headrace.client.schemas.actions import VariableCreate, VariableUpdate
from headrace.client.schemas.objects import (
    BlockDocument,
    BlockType,
    Deployment,
    DeploymentResponse,
    FlowRun,
    Log,
    TaskRun,
    Variable,
)
from headrace.client.schemas.responses import OrchestrationResult, SetStateStatus

__all__ = [
    "BlockDocument",
    "BlockType",
    "Deployment",
    "DeploymentResponse",
    "FlowRun",
    "Log",
    "OrchestrationResult",
    "SetStateStatus",
    "TaskRun",
    "Variable",
    "VariableCreate",
    "VariableUpdate",
]
