"""Prefect 2.x/3.x prefect-email code -> headrace_email.

`prefect_email` imports keep their names (the core renames the import root), so this rule
covers what differs: `email_send_message` is an async task in prefect-email and a plain
one here (smtplib is synchronous), so `await email_send_message(...)` loses its `await`
when the target is headrace.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import PHASE_2X, RenameImports

TASKS = {
    "prefect_email.email_send_message",
    "prefect_email.message.email_send_message",
}


class EmailTasks2x(RenameImports):
    code = "EMAIL201"
    name = "email-2x"
    summary = "`await email_send_message(...)` -> `email_send_message(...)`"
    phase = PHASE_2X
    triggers = ("prefect_email", "headrace_email")

    def leave_Await(self, original_node, updated_node):
        call = updated_node.expression
        if (
            self.ctx.target == "headrace"
            and isinstance(call, cst.Call)
            and self.qualname(call.func) in TASKS
        ):
            return call.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node
