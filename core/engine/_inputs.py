"""Resolving task inputs: futures and states become values, annotations are unwrapped."""

from __future__ import annotations

from typing import Any

from headrace.exceptions import UpstreamTaskError
from headrace.futures import ATOMS, PrefectFuture, visit_collection
from headrace.states import State
from headrace.utilities.annotations import allow_failure, quote


def _state_of(item: PrefectFuture | State) -> State:
    if isinstance(item, PrefectFuture):
        item.wait()
        return item.state
    return item


def _strict(item: PrefectFuture | State) -> Any:
    state = _state_of(item)
    if not state.is_completed():
        raise UpstreamTaskError(_upstream_message(item, state))
    return state.result(_sync=True)


def _lenient(item: PrefectFuture | State) -> Any:
    return _state_of(item).result(raise_on_failure=False, _sync=True)


def _upstream_message(item: PrefectFuture | State, state: State) -> str:
    if isinstance(item, PrefectFuture):
        return f"Upstream task run '{item.task_run_id}' did not reach a 'COMPLETED' state."
    return f"Upstream state {state.name!r} did not reach a 'COMPLETED' state."


def resolve_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """Values for the function: raises UpstreamTaskError if a required upstream failed."""
    resolved = {}
    for name, value in parameters.items():
        if isinstance(value, ATOMS):
            resolved[name] = value
        elif isinstance(value, allow_failure):
            resolved[name] = visit_collection(value.unwrap(), _lenient)
        elif isinstance(value, quote):
            resolved[name] = value.unwrap()
        else:
            resolved[name] = visit_collection(value, _strict)
    return resolved


def wait_for_upstreams(wait_for: Any) -> None:
    """Block until every `wait_for` item finished; fail unless each completed or is allowed."""
    if not wait_for:
        return
    for item in wait_for:
        if isinstance(item, allow_failure):
            visit_collection(item.unwrap(), _state_of)
        else:
            visit_collection(item, _strict)
