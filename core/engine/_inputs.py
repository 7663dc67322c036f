"""Resolving task inputs: futures and states become values, annotations are unwrapped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headrace.exceptions import UpstreamTaskError
from headrace.futures import PrefectFuture
from headrace.states import State
from headrace.utilities.annotations import allow_failure, quote

_ATOMS = (str, bytes, int, float, bool, type(None))


def visit_collection(value: Any, visit: Callable[[Any], Any]) -> Any:
    """Apply `visit` to every future or state inside lists, tuples, sets and dicts."""
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, (PrefectFuture, State)):
        return visit(value)
    if isinstance(value, quote):
        return value
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # namedtuple
        return type(value)(*(visit_collection(item, visit) for item in value))
    for kind in (list, tuple, set, frozenset):
        # subclasses (e.g. PrefectFutureList) come back as their plain base type
        if isinstance(value, kind):
            return kind(visit_collection(item, visit) for item in value)
    if isinstance(value, dict):
        return {key: visit_collection(item, visit) for key, item in value.items()}
    return value


def _state_of(item: PrefectFuture | State) -> State:
    if isinstance(item, PrefectFuture):
        item.wait()
        return item.state
    return item


def _strict(item: PrefectFuture | State) -> Any:
    state = _state_of(item)
    if not state.is_completed():
        raise UpstreamTaskError(_upstream_message(item, state))
    return state.result()


def _lenient(item: PrefectFuture | State) -> Any:
    return _state_of(item).result(raise_on_failure=False)


def _upstream_message(item: PrefectFuture | State, state: State) -> str:
    if isinstance(item, PrefectFuture):
        return f"Upstream task run '{item.task_run_id}' did not reach a 'COMPLETED' state."
    return f"Upstream state {state.name!r} did not reach a 'COMPLETED' state."


def resolve_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """Values for the function: raises UpstreamTaskError if a required upstream failed."""
    resolved = {}
    for name, value in parameters.items():
        if isinstance(value, _ATOMS):
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
