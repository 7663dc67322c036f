"""The objects, filters and sorts of `headrace.client` (Prefect's client schema names)."""

from headrace.blocks.schemas import DEFAULT_BLOCK_SCHEMA_VERSION
from headrace.client.schemas.actions import VariableCreate, VariableUpdate
from headrace.client.schemas.objects import (
    BlockDocument,
    BlockSchema,
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
    "DEFAULT_BLOCK_SCHEMA_VERSION",
    "BlockDocument",
    "BlockSchema",
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
