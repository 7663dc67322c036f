"""The two drivers every run goes through: they call the function, the machine decides.

A machine (`TaskRunMachine` or `FlowRunMachine`) offers `begin`, `call_sync` /
`call_async`, `on_return`, `on_exception` (each answering a retry delay or None),
`begin_retry`, `crash` and `finish`. Sync and async runs, tasks and flows, share these
two loops, so their rules cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from headrace.states import State
from headrace.utilities import clock


def drive_sync(machine: Any) -> State:
    """Run a machine to its final state, calling the function in this thread."""
    try:
        if machine.begin():
            while True:
                try:
                    value = machine.call_sync()
                except Exception as exc:
                    delay = machine.on_exception(exc)
                else:
                    delay = machine.on_return(value)
                if delay is None:
                    break
                if delay > 0:
                    clock.sleep(delay)
                machine.begin_retry()
    except BaseException as exc:  # interrupts and engine errors: record Crashed, re-raise
        machine.crash(exc)
        raise
    return machine.finish()


async def drive_async(machine: Any) -> State:
    """Run a machine to its final state, awaiting the function."""
    begin = getattr(machine, "abegin", None)  # a machine that may wait in begin
    try:
        if await begin() if begin is not None else machine.begin():
            while True:
                try:
                    value = await machine.call_async()
                except Exception as exc:
                    delay = machine.on_exception(exc)
                else:
                    delay = machine.on_return(value)
                if delay is None:
                    break
                if delay > 0:
                    await clock.asleep(delay)
                machine.begin_retry()
    except BaseException as exc:
        machine.crash(exc)
        raise
    return machine.finish()
