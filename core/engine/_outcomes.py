"""Turning what a function returned into a final state, and calling state hooks."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from headrace.futures import PrefectFuture
from headrace.states import Completed, State, StateGroup, StateType


def return_value_to_state(value: Any) -> State:
    """Prefect 3's rule for the state a return value stands for.

    A state the function built itself (no run ids yet) is the final state. The state
    or future of another run, or a non-empty collection made only of those, completes
    only if all of them completed; the completed state keeps the raw return value as
    its data. Anything else completes with the value as data.
    """
    if isinstance(value, State) and not _belongs_to_a_run(value):
        return value
    if isinstance(value, (State, PrefectFuture)):
        members: Any = [value]
    elif (
        isinstance(value, (list, tuple, set))
        and value
        and all(isinstance(item, (State, PrefectFuture)) for item in value)
    ):
        members = value
    else:
        return Completed(data=value)
    states = []
    for item in members:
        if isinstance(item, PrefectFuture):
            item.wait()
            states.append(item.state)
        else:
            states.append(item)
    group = StateGroup(states)
    if group.all_completed():
        return Completed(message="All states completed.", data=value)
    # as Prefect: the aggregate's data is what the function returned
    if group.any_cancelled():
        kind, message = (
            StateType.CANCELLED,
            f"{group.cancelled_count}/{len(states)} states cancelled.",
        )
    elif group.any_paused():
        kind, message = StateType.PAUSED, f"{group.paused_count}/{len(states)} states paused."
    elif group.fail_count:
        kind, message = StateType.FAILED, f"{group.fail_count}/{len(states)} states failed."
    elif not group.all_final():
        kind = StateType.FAILED
        message = f"{group.not_final_count}/{len(states)} states are not final."
    else:
        kind, message = StateType.FAILED, "Given states: " + group.counts_message()
    return State(kind, message=message, data=value)


def _belongs_to_a_run(state: State) -> bool:
    details = state._details
    return details is not None and bool(details.task_run_id or details.flow_run_id)


def call_hooks(
    hooks: Iterable[Callable[..., Any]],
    owner: Any,
    run: Any,
    state: State,
    logger: logging.LoggerAdapter,
) -> None:
    """Call each hook `(task_or_flow, run, state)`, awaiting async ones; a failing hook is
    logged, never raised, and the others still run."""
    for hook in hooks:
        name = getattr(hook, "__name__", None) or getattr(
            getattr(hook, "func", None), "__name__", repr(hook)
        )
        logger.info(f"Running hook {name!r} in response to entering state {state.name!r}")
        try:
            outcome = hook(owner, run, state)
            if inspect.isawaitable(outcome):
                _await_here(outcome)
        except Exception as exc:
            logger.error(f"An error was encountered while running hook {name!r}: {exc!r}")
        else:
            logger.info(f"Hook {name!r} finished running successfully")


def _await_here(awaitable: Any) -> Any:
    """Run an async hook to completion from sync code, also when this thread already runs
    an event loop (an async flow ending): then in a short-lived thread of its own."""

    async def wrapper() -> Any:
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(wrapper())
    outcome: list[Any] = []
    context = contextvars.copy_context()

    def run() -> None:
        try:
            outcome.append((True, context.run(asyncio.run, wrapper())))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="headrace-hook")
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value
