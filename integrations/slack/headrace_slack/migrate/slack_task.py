"""Prefect 1.x Slack notifications -> headrace_slack.

- `notify = SlackTask(webhook_secret="HOOK")` and its calls `notify(message="done")`
  (or `SlackTask(message="hi")()`) become
  `send_incoming_webhook_message(SlackWebhook.load("hook"), text="done")`;
- `state_handlers=[slack_notifier]` (also `partial(slack_notifier, ...)`) becomes
  `on_failure=[notify_on_failure("slack-webhook-url")]`.

1.x read the webhook URL from a Prefect Secret; the new code loads a SlackWebhook block
named after it (`SLACK_WEBHOOK_URL` -> `slack-webhook-url`), which a TODO asks to create.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import (
    PHASE_1X_STRUCTURE,
    LibraryTaskRule,
    kwarg,
    make_arg,
    positional,
    source_of,
    string_value,
    with_args,
)

SLACK_TASK = {
    "prefect.tasks.notifications.SlackTask",
    "prefect.tasks.notifications.slack_task.SlackTask",
}
SLACK_NOTIFIER = {
    "prefect.utilities.notifications.slack_notifier",
    "prefect.utilities.notifications.notifications.slack_notifier",
}
DEFAULT_SECRET = "SLACK_WEBHOOK_URL"


def block_name(secret: str) -> str:
    """The SlackWebhook block standing in for a 1.x secret: `MY_HOOK` -> `my-hook`."""
    return secret.strip().lower().replace("_", "-")


class SlackLegacy1x(LibraryTaskRule):
    code = "SLACK101"
    name = "slack-1x"
    summary = (
        "1.x `SlackTask` calls -> `send_incoming_webhook_message`; "
        "`state_handlers=[slack_notifier]` -> `on_failure=[notify_on_failure(...)]`"
    )
    phase = PHASE_1X_STRUCTURE
    triggers = ("SlackTask", "slack_notifier")
    legacy_names = frozenset(SLACK_TASK)
    todo_notes = (
        "saving the SlackWebhook block that replaces the 1.x secret; SlackTask instances "
        "used other than by calling them; slack_notifier on states other than failures."
    )

    def leave_Call(self, original_node, updated_node):
        created = self.created_by(updated_node)
        if created is not None:
            return self._send(created, updated_node)
        if kwarg(updated_node, "state_handlers") is not None:
            return self._handlers(updated_node)
        return updated_node

    def _send(self, created: cst.Call, called: cst.Call) -> cst.Call:
        """`SlackTask(config)(overrides)` as one send_incoming_webhook_message call."""
        options = _slack_task_args(created)
        options.update(_slack_task_args(called))
        extra = sorted(set(options) - {"message", "webhook_secret"})
        if extra:
            self.todo(f"SlackTask options {', '.join(extra)} dropped: use .with_options(...)")
        webhook = self._webhook(options.get("webhook_secret"))
        args = [make_arg(None, webhook)]
        if "message" in options:
            args.append(make_arg("text", options["message"]))
        self.add_import("prefect_slack", "SlackWebhook")
        self.add_import("prefect_slack", "send_incoming_webhook_message")
        call = cst.Call(func=cst.Name("send_incoming_webhook_message"))
        return with_args(call, args)

    def _webhook(self, secret: cst.BaseExpression | None) -> cst.Call:
        name = DEFAULT_SECRET if secret is None else string_value(secret)
        if name is None:
            self.todo("the webhook secret is not a literal: load the matching SlackWebhook block")
            value = secret
        else:
            value = cst.SimpleString(f'"{block_name(name)}"')
            self._ask_for_block(name)
        return cst.Call(func=cst.parse_expression("SlackWebhook.load"), args=[cst.Arg(value)])

    def _ask_for_block(self, secret: str) -> None:
        self.todo(
            f'save a SlackWebhook block "{block_name(secret)}" holding the webhook URL '
            f"(1.x read it from the secret {secret})"
        )

    # -- slack_notifier -----------------------------------------------------------------
    def _handlers(self, call: cst.Call) -> cst.Call:
        handlers = kwarg(call, "state_handlers")
        if not isinstance(handlers.value, (cst.List, cst.Tuple)):
            return call
        kept, hooks = [], []
        for element in handlers.value.elements:
            hook = self._notifier_hook(element.value)
            if hook is None:
                kept.append(element)
            else:
                hooks.append(cst.Element(hook))
        if not hooks:
            return call
        existing = kwarg(call, "on_failure")
        if kept or (existing is not None and not isinstance(existing.value, cst.List)):
            # P108 turns the other handlers into on_failure=/on_completion= of its own;
            # a second on_failure= here would repeat the keyword
            for hook in hooks:
                self.todo(
                    f"slack_notifier dropped: add {source_of(hook.value)} to on_failure=[...] "
                    "(from headrace_slack import notify_on_failure)"
                )
            hooks = []
        else:
            self.add_import("prefect_slack", "notify_on_failure")
        args = []
        for arg in call.args:
            if arg is handlers:
                if kept:
                    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    args.append(arg.with_changes(value=handlers.value.with_changes(elements=kept)))
            elif arg is existing and hooks:
                merged = _commas([*existing.value.elements, *hooks])
                args.append(arg.with_changes(value=existing.value.with_changes(elements=merged)))
            else:
                args.append(arg)
        if existing is None and hooks:
            args.append(make_arg("on_failure", cst.List(elements=_commas(hooks))))
        return with_args(call, args)

    def _notifier_hook(self, value: cst.BaseExpression) -> cst.Call | None:
        """`notify_on_failure("...")` for a slack_notifier handler, else None."""
        options: dict[str, cst.BaseExpression] = {}
        if isinstance(value, cst.Call) and self.qualname(value.func) == "functools.partial":
            first = positional(value, 0)
            if first is None or self.qualname(first.value) not in SLACK_NOTIFIER:
                return None
            options = {a.keyword.value: a.value for a in value.args if a.keyword is not None}
        elif self.qualname(value) not in SLACK_NOTIFIER:
            return None
        only = options.get("only_states")
        if only is None:
            self.todo(
                "slack_notifier posted on every state change; notify_on_failure posts on "
                "failures only (add on_completion=[...] hooks for more)"
            )
        elif not _only_failed(only):
            self.todo("slack_notifier(only_states=...) beyond Failed: add matching hooks")
        secret = options.get("webhook_secret")
        name = self._webhook_name(secret)
        return cst.Call(func=cst.Name("notify_on_failure"), args=[cst.Arg(name)])

    def _webhook_name(self, secret: cst.BaseExpression | None) -> cst.BaseExpression:
        name = DEFAULT_SECRET if secret is None else string_value(secret)
        if name is None:
            self.todo("the webhook secret is not a literal: pass the SlackWebhook block name")
            return secret
        self._ask_for_block(name)
        return cst.SimpleString(f'"{block_name(name)}"')


def _slack_task_args(call: cst.Call) -> dict[str, cst.BaseExpression]:
    """SlackTask's (message, webhook_secret, **options) by name."""
    found: dict[str, cst.BaseExpression] = {}
    positional_names = iter(("message", "webhook_secret"))
    for arg in call.args:
        if arg.keyword is not None:
            found[arg.keyword.value] = arg.value
        elif not arg.star:
            found[next(positional_names, "*args")] = arg.value
    return found


def _only_failed(node: cst.BaseExpression) -> bool:
    if not isinstance(node, (cst.List, cst.Tuple)):
        return False
    names = [
        e.value.attr.value if isinstance(e.value, cst.Attribute) else getattr(e.value, "value", "")
        for e in node.elements
    ]
    return names == ["Failed"]


def _commas(elements: list[cst.Element]) -> list[cst.Element]:
    space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    last = [e.with_changes(comma=cst.MaybeSentinel.DEFAULT) for e in elements[-1:]]
    return [e.with_changes(comma=space) for e in elements[:-1]] + last
