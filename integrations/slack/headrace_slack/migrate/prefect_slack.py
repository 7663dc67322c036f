"""Prefect 2.x Slack code -> headrace_slack.

`prefect_slack` imports keep their names (the import root is renamed by the core), and
so does the core's `prefect.blocks.notifications.SlackWebhook` (headrace has it at the
same path), so this rule covers what differs: the message tasks, async in prefect-slack,
are plain functions here, so `await send_chat_message(...)` loses its `await` when the
target is headrace.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import PHASE_2X, RenameImports

TASKS = {
    "prefect_slack.send_chat_message",
    "prefect_slack.send_incoming_webhook_message",
    "prefect_slack.messages.send_chat_message",
    "prefect_slack.messages.send_incoming_webhook_message",
}


class SlackImports2x(RenameImports):
    code = "SLACK201"
    name = "slack-2x"
    summary = "`await send_chat_message(...)` -> `send_chat_message(...)`"
    phase = PHASE_2X
    triggers = ("SlackWebhook", "prefect_slack", "headrace_slack")
    todo_notes = "awaited SlackCredentials.get_client() calls: the client is synchronous here."

    def leave_Await(self, original_node, updated_node):
        call = updated_node.expression
        if (
            self.ctx.target == "headrace"
            and isinstance(call, cst.Call)
            and self.qualname(call.func) in TASKS
        ):
            return call.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node
