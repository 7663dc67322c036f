"""P111: `raise signals.FAIL(...)` and friends -> exceptions and returned states."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import kwarg, make_arg, positional

_SIGNALS = "prefect.engine.signals."
_FAILING = {"FAIL", "TRIGGERFAIL", "VALIDATIONFAIL", "RETRY", "PrefectStateSignal"}


class Signals(Rule):
    code = "P111"
    name = "signals"
    summary = "`raise FAIL(msg)` -> `raise RuntimeError(msg)`; SKIP/SUCCESS -> `return Completed()`"
    phase = PHASE_1X_DETAILS
    triggers = ("signals",)
    todo_notes = (
        "SKIP (downstream tasks are no longer skipped), RETRY (set retries=), ENDRUN (returns "
        "a 1.x state), LOOP and PAUSE (write a loop / use pause_flow_run)."
    )

    def leave_Raise(self, original_node, updated_node):
        exc = updated_node.exc
        if not isinstance(exc, cst.Call):
            return updated_node
        qual = self.qualname(exc.func) or ""
        if not qual.startswith(_SIGNALS):
            return updated_node
        kind = qual[len(_SIGNALS) :]
        message = kwarg(exc, "message") or positional(exc, 0)
        args = [cst.Arg(message.value)] if message else []
        if kind in _FAILING:
            if kind == "RETRY":
                self.todo("RETRY became an exception: give the task retries=N to retry it")
            return updated_node.with_changes(exc=cst.Call(func=cst.Name("RuntimeError"), args=args))
        if kind in ("SKIP", "SUCCESS"):
            self.add_import("prefect.states", "Completed")
            if kind == "SKIP":
                self.todo(
                    "SKIP became a Completed state: downstream tasks are no longer skipped; "
                    "guard them with if/else in the flow"
                )
            if kind == "SUCCESS" and kwarg(exc, "result"):
                self.todo("SUCCESS(result=...) dropped the result: return the value instead")
            margs = [make_arg("message", message.value)] if message else []
            return cst.Return(value=cst.Call(func=cst.Name("Completed"), args=margs))
        if kind == "ENDRUN":
            state = kwarg(exc, "state") or positional(exc, 0)
            self.todo("ENDRUN returns this state now: make it a prefect.states state")
            return cst.Return(value=state.value if state else None)
        self.todo(
            f"signal {kind} has no equivalent: LOOP -> a Python loop, PAUSE -> pause_flow_run()"
        )
        return updated_node
