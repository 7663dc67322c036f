"""Flow run inputs: JSON values stored per flow run under a key, through the store.

These are the building blocks of `RunInput` and of pausing for input; any process that
reaches the same store (or server) can send a run input or read it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from headrace.client.schemas.objects import FlowRunInput
from headrace.context import FlowRunContext
from headrace.store import get_store
from headrace.utilities.asyncutils import async_dispatch

if TYPE_CHECKING:
    import pydantic


def ensure_flow_run_id(flow_run_id: Any = None) -> str:
    """The given id (a str or UUID), else the current flow run's."""
    if flow_run_id:
        return str(flow_run_id)
    context = FlowRunContext.get()
    if context is None:
        raise RuntimeError("Must either provide a flow run ID or be within a flow run.")
    return context.flow_run.id


def _current_sender() -> str | None:
    context = FlowRunContext.get()
    return f"prefect.flow-run.{context.flow_run.id}" if context is not None else None


def _model_json(model_instance: pydantic.BaseModel) -> Any:
    return json.loads(model_instance.model_dump_json())


# -- create ---------------------------------------------------------------------------------
async def acreate_flow_run_input(
    key: str, value: Any, flow_run_id: Any = None, sender: str | None = None
) -> None:
    """Store `value` (any JSON-able value) as the input `key` of a flow run."""
    create_flow_run_input(key, value, flow_run_id, sender, _sync=True)


@async_dispatch(acreate_flow_run_input)
def create_flow_run_input(
    key: str, value: Any, flow_run_id: Any = None, sender: str | None = None
) -> None:
    """Store `value` (any JSON-able value) as the input `key` of a flow run;
    ObjectAlreadyExists if the run already has that key."""
    run_id = ensure_flow_run_id(flow_run_id)
    get_store().flow_run_inputs.create_input(run_id, key, json.dumps(value), sender)


async def acreate_flow_run_input_from_model(
    key: str, model_instance: pydantic.BaseModel, flow_run_id: Any = None, sender: str | None = None
) -> None:
    create_flow_run_input_from_model(key, model_instance, flow_run_id, sender, _sync=True)


@async_dispatch(acreate_flow_run_input_from_model)
def create_flow_run_input_from_model(
    key: str, model_instance: pydantic.BaseModel, flow_run_id: Any = None, sender: str | None = None
) -> None:
    """Store a pydantic model's JSON form as an input; the sender defaults to the current
    flow run, so the receiver can respond."""
    if sender is None:
        sender = _current_sender()
    create_flow_run_input(key, _model_json(model_instance), flow_run_id, sender, _sync=True)


# -- read, filter, delete ----------------------------------------------------------------------
async def aread_flow_run_input(key: str, flow_run_id: Any = None) -> Any:
    return read_flow_run_input(key, flow_run_id, _sync=True)


@async_dispatch(aread_flow_run_input)
def read_flow_run_input(key: str, flow_run_id: Any = None) -> Any:
    """The decoded input `key` of a flow run, or None if there is none."""
    row = get_store().flow_run_inputs.read_input(ensure_flow_run_id(flow_run_id), key)
    return None if row is None else json.loads(row["value"])


async def afilter_flow_run_input(
    key_prefix: str, limit: int = 1, exclude_keys: set[str] | None = None, flow_run_id: Any = None
) -> list[FlowRunInput]:
    return filter_flow_run_input(key_prefix, limit, exclude_keys, flow_run_id, _sync=True)


@async_dispatch(afilter_flow_run_input)
def filter_flow_run_input(
    key_prefix: str, limit: int = 1, exclude_keys: set[str] | None = None, flow_run_id: Any = None
) -> list[FlowRunInput]:
    """Inputs whose key starts with `key_prefix`, oldest first, without `exclude_keys`."""
    rows = get_store().flow_run_inputs.filter_inputs(
        ensure_flow_run_id(flow_run_id), key_prefix, limit, sorted(exclude_keys or ())
    )
    return [FlowRunInput(**row) for row in rows]


async def adelete_flow_run_input(key: str, flow_run_id: Any = None) -> None:
    delete_flow_run_input(key, flow_run_id, _sync=True)


@async_dispatch(adelete_flow_run_input)
def delete_flow_run_input(key: str, flow_run_id: Any = None) -> None:
    """Remove the input `key` of a flow run (nothing happens if there is none)."""
    get_store().flow_run_inputs.delete_input(ensure_flow_run_id(flow_run_id), key)


__all__ = [
    "FlowRunInput",
    "acreate_flow_run_input",
    "acreate_flow_run_input_from_model",
    "adelete_flow_run_input",
    "afilter_flow_run_input",
    "aread_flow_run_input",
    "create_flow_run_input",
    "create_flow_run_input_from_model",
    "delete_flow_run_input",
    "ensure_flow_run_id",
    "filter_flow_run_input",
    "read_flow_run_input",
]
