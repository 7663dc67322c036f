"""Resolving task inputs: futures and states become values, annotations are unwrapped."""

from __future__ import annotations

from typing import Any

from headrace.exceptions import UpstreamTaskError
from headrace.futures import ATOMS, PrefectFuture, visit_collection
from headrace.states import State
from headrace.utilities.annotations import allow_failure, opaque, quote


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


class SelfDependencyError(ValueError):
    """A task run waits for its own future: waiting would never end."""


def _refuse_own(own: Any, task_name: str) -> Any:
    """A visitor that raises on the future of the run `own` (compared by run id)."""

    def check(item: Any) -> Any:
        if isinstance(item, PrefectFuture) and str(item.task_run_id) == own.id:
            raise SelfDependencyError(
                "Discovered a task depending on itself. Raising to avoid a deadlock. "
                f"Please inspect the inputs and dependencies of {task_name}."
            )
        return item

    return check


def check_not_own(value: Any, own: Any, task_name: str) -> None:
    """Raise SelfDependencyError if `value` holds the future of the task run `own`."""
    visit_collection(value, _refuse_own(own, task_name))


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
        elif isinstance(value, opaque):  # the top level only: nested states stay as-is
            inner = value.unwrap()
            resolved[name] = _strict(inner) if isinstance(inner, (PrefectFuture, State)) else inner
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
