"""Typed input for flow runs: what paused runs wait for and what runs send each other
(Prefect 3's `prefect.input`). Inputs are kept in the store, so any process that reaches
it (or the server) can send them."""

from headrace.input.actions import (
    acreate_flow_run_input,
    acreate_flow_run_input_from_model,
    adelete_flow_run_input,
    afilter_flow_run_input,
    aread_flow_run_input,
    create_flow_run_input,
    create_flow_run_input_from_model,
    delete_flow_run_input,
    filter_flow_run_input,
    read_flow_run_input,
)
from headrace.input.run_input import (
    GetInputHandler,
    Keyset,
    RunInput,
    RunInputMetadata,
    keyset_from_base_key,
    keyset_from_paused_state,
    receive_input,
    send_input,
)

__all__ = [
    "GetInputHandler",
    "Keyset",
    "RunInput",
    "RunInputMetadata",
    "acreate_flow_run_input",
    "acreate_flow_run_input_from_model",
    "adelete_flow_run_input",
    "afilter_flow_run_input",
    "aread_flow_run_input",
    "create_flow_run_input",
    "create_flow_run_input_from_model",
    "delete_flow_run_input",
    "filter_flow_run_input",
    "keyset_from_base_key",
    "keyset_from_paused_state",
    "read_flow_run_input",
    "receive_input",
    "send_input",
]
