"""EmailNotification: the notification-block interface over SMTP, used by a failure hook."""

from __future__ import annotations

import asyncio

import pytest
from headrace_email import EmailNotification

from headrace import flow
from headrace.blocks.core import Block
from headrace.blocks.notifications import NotificationBlock, NotificationError, notify_on_failure

pytestmark = pytest.mark.headrace_harness


def _text(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def test_notify_sends_an_email(headrace_smtp_server, headrace_email_credentials):
    block = EmailNotification(
        credentials=headrace_email_credentials,
        email_to=["oncall@example.test"],
        subject_prefix="[etl] ",
    )
    assert isinstance(block, NotificationBlock)
    assert headrace_smtp_server.password not in repr(block)
    block.save("oncall")
    Block.load("email-notification/oncall").notify("disk full on db-1", subject="Alert")
    (received,) = headrace_smtp_server.messages
    assert received.tls and received.rcpt_tos == ["oncall@example.test"]
    assert received.message["Subject"] == "[etl] Alert"
    assert _text(received.message).strip() == "disk full on db-1"


def test_a_failed_flow_is_mailed_through_the_core_hook(
    headrace_smtp_server, headrace_email_credentials
):
    EmailNotification(
        credentials=headrace_email_credentials, email_to=["oncall@example.test"]
    ).save("oncall")

    @flow(on_failure=[notify_on_failure("email-notification/oncall")])
    def nightly() -> None:
        raise RuntimeError("source table is empty")

    with pytest.raises(RuntimeError):
        nightly()
    (received,) = headrace_smtp_server.messages
    assert received.message["Subject"].startswith("Flow run nightly/")
    assert "source table is empty" in _text(received.message)


def test_awaiting_notify_works_in_async_code(headrace_smtp_server, headrace_email_credentials):
    block = EmailNotification(
        credentials=headrace_email_credentials, email_to=["a@example.test"], html=True
    )

    async def main() -> None:
        await block.notify("<b>bold</b>")
        await block.anotify("twin")

    asyncio.run(main())
    subjects = [r.message["Subject"] for r in headrace_smtp_server.messages]
    assert subjects == ["headrace notification", "headrace notification"]
    html = next(
        p
        for p in headrace_smtp_server.messages[0].message.walk()
        if p.get_content_type() == "text/html"
    )
    assert html.get_payload(decode=True).decode().strip() == "<b>bold</b>"


def test_failures_are_notification_errors_without_the_password(headrace_smtp_server):
    wrong = headrace_smtp_server.credentials(password="wr0ng-s3cr3t")
    block = EmailNotification(credentials=wrong, email_to=["a@example.test"])
    with pytest.raises(NotificationError, match="SMTPAuthenticationError") as info:
        block.notify("x")
    assert "s3cr3t" not in str(info.value)
    headrace_smtp_server.refuse.add("gone@example.test")
    refused = EmailNotification(
        credentials=headrace_smtp_server.credentials(), email_to=["gone@example.test"]
    )
    with pytest.raises(NotificationError, match="gone@example.test"):
        refused.notify("x")
    assert headrace_smtp_server.messages == []


def test_bad_recipients_are_refused_when_the_block_is_made(headrace_email_credentials):
    with pytest.raises(ValueError, match="not an email address"):
        EmailNotification(credentials=headrace_email_credentials, email_to=["nobody"])
    with pytest.raises(ValueError):
        EmailNotification(credentials=headrace_email_credentials, email_to=[])
