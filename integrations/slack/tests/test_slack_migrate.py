"""The Slack migrate rules, run through `headrace migrate` on before/after files."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

from headrace.cli import build_cli

BEFORE_1X = """\
from prefect import Flow, task
from prefect.tasks.notifications import SlackTask
from prefect.utilities.notifications import slack_notifier

notify = SlackTask(webhook_secret="OPS_HOOK")


@task(state_handlers=[slack_notifier])
def extract():
    return 1


with Flow("etl") as flow:
    extract()
    notify(message="done")
    SlackTask("hi")()
"""

AFTER_1X = """\
from headrace import task, flow
from headrace_slack import notify_on_failure, SlackWebhook, send_incoming_webhook_message


# TODO(headrace-migrate SLACK101): slack_notifier posted on every state change; notify_on_failure posts on failures only (add on_completion=[...] hooks for more)
# TODO(headrace-migrate SLACK101): save a SlackWebhook block "slack-webhook-url" holding the webhook URL (1.x read it from the secret SLACK_WEBHOOK_URL)
@task(on_failure=[notify_on_failure("slack-webhook-url")])
def extract():
    return 1


@flow(name="etl")
def etl():
    extract()
    # TODO(headrace-migrate SLACK101): save a SlackWebhook block "ops-hook" holding the webhook URL (1.x read it from the secret OPS_HOOK)
    send_incoming_webhook_message(SlackWebhook.load("ops-hook"), text="done")
    # TODO(headrace-migrate SLACK101): save a SlackWebhook block "slack-webhook-url" holding the webhook URL (1.x read it from the secret SLACK_WEBHOOK_URL)
    send_incoming_webhook_message(SlackWebhook.load("slack-webhook-url"), text="hi")
"""  # noqa: E501

BEFORE_2X = """\
from prefect import flow
from prefect.blocks.notifications import SlackWebhook
from prefect_slack import SlackCredentials
from prefect_slack.messages import send_chat_message


@flow
async def announce():
    creds = await SlackCredentials.load("bot")
    await send_chat_message(channel="#ops", slack_credentials=creds, text="hi")
    SlackWebhook.load("alerts").notify("done")
"""

AFTER_2X = """\
from headrace import flow
from headrace.blocks.notifications import SlackWebhook
from headrace_slack import SlackCredentials
from headrace_slack.messages import send_chat_message


@flow
async def announce():
    creds = await SlackCredentials.load("bot")
    send_chat_message(channel="#ops", slack_credentials=creds, text="hi")
    SlackWebhook.load("alerts").notify("done")
"""


def migrate(*args: str) -> str:
    result = CliRunner().invoke(build_cli(), ["migrate", *args], catch_exceptions=False)
    return result.output


@pytest.mark.parametrize(("before", "after"), [(BEFORE_1X, AFTER_1X), (BEFORE_2X, AFTER_2X)])
def test_rewrites_and_is_idempotent(tmp_path, before, after):
    path = tmp_path / "flows.py"
    path.write_text(before)

    migrate(str(path))
    assert path.read_text() == after

    migrate(str(path))
    assert path.read_text() == after


def test_flow_state_handlers_become_a_failure_hook(tmp_path):
    path = tmp_path / "flow_handlers.py"
    path.write_text(
        textwrap.dedent(
            """\
            from functools import partial
            from prefect import Flow
            from prefect.engine.state import Failed
            from prefect.utilities.notifications import slack_notifier

            handler = partial(slack_notifier, only_states=[Failed], webhook_secret="ALERTS")
            flow = Flow("etl", state_handlers=[partial(slack_notifier, only_states=[Failed])])
            """
        )
    )

    migrate(str(path))

    text = path.read_text()
    assert 'on_failure=[notify_on_failure("slack-webhook-url")]' in text
    assert "slack_notifier posted on every state change" not in text
    assert "from headrace_slack import notify_on_failure" in text


def test_unconvertible_slack_task_use_keeps_a_todo(tmp_path):
    path = tmp_path / "odd_use.py"
    path.write_text(
        "from prefect.tasks.notifications import SlackTask\n\n"
        "notify = SlackTask()\ntasks = [notify]\n"
    )

    migrate(str(path))

    text = path.read_text()
    assert "notify = SlackTask()" in text
    assert "TODO(headrace-migrate P117)" in text


def test_prefect_target_keeps_the_await(tmp_path):
    path = tmp_path / "keep_await.py"
    path.write_text(BEFORE_2X)

    migrate("--target", "prefect", str(path))

    text = path.read_text()
    assert "await send_chat_message(" in text
    assert "from prefect.blocks.notifications import SlackWebhook" in text


def test_notifier_hook_joins_an_existing_on_failure_list(tmp_path):
    path = tmp_path / "existing_hooks.py"
    path.write_text(
        "from prefect import task\n"
        "from prefect.utilities.notifications import slack_notifier\n\n\n"
        "def page(task, run, state):\n    pass\n\n\n"
        "@task(state_handlers=(slack_notifier,), on_failure=[page])\n"
        "def extract():\n    return 1\n"
    )

    migrate(str(path))

    text = path.read_text()
    assert '@task(on_failure=[page, notify_on_failure("slack-webhook-url")])' in text
    assert "state_handlers" not in text


def test_notifier_beside_other_handlers_leaves_valid_code_and_a_todo(tmp_path):
    path = tmp_path / "mixed_handlers.py"
    path.write_text(
        "from prefect import task\n"
        "from prefect.utilities.notifications import slack_notifier\n\n\n"
        "def log_it(obj, old, new):\n"
        "    if new.is_failed():\n        print('failed')\n    return new\n\n\n"
        "@task(state_handlers=[slack_notifier, log_it])\n"
        "def extract():\n    return 1\n"
    )

    migrate(str(path))

    text = path.read_text()
    compile(text, str(path), "exec")  # no repeated on_failure= keyword
    assert 'add notify_on_failure("slack-webhook-url") to on_failure=[...]' in text
    assert "slack_notifier," not in text
