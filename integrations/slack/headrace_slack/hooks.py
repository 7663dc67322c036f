"""A ready-made state hook that tells a Slack channel when a flow (or task) run fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headrace_slack.credentials import SlackWebhook

StateHook = Callable[[Any, Any, Any], None]


def notify_on_failure(webhook: SlackWebhook | str, mention: str | None = None) -> StateHook:
    """Return a hook for `@flow(on_failure=[...])` (or a task's) that posts the failure.

    `webhook` is a SlackWebhook or the name of a saved one, loaded when the hook fires.
    The message names the flow, the run and the error; `mention` (e.g. `<!here>`) is put
    in front of it.
    """

    def post_failure(owner: Any, run: Any, state: Any) -> None:
        block = SlackWebhook.load(webhook, _sync=True) if isinstance(webhook, str) else webhook
        block.notify(failure_message(owner, run, state, mention))

    post_failure.__name__ = "notify_slack_on_failure"
    return post_failure


def failure_message(owner: Any, run: Any, state: Any, mention: str | None = None) -> str:
    """`:x: Flow run etl/bright-fox (id ...) entered Failed: ValueError: boom`."""
    kind = "Task" if hasattr(run, "task_key") else "Flow"
    name = getattr(owner, "name", "?")
    detail = getattr(state, "message", None) or "no message"
    head = f"{mention} " if mention else ""
    return (
        f"{head}:x: {kind} run `{name}/{run.name}` (id {run.id}) entered "
        f"{getattr(state, 'name', 'Failed')}: {detail}"
    )
