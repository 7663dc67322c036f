"""`EmailNotification`: the notification-block interface over SMTP, so automations and
failure hooks can send email exactly as they post to Slack."""

from __future__ import annotations

import smtplib

from pydantic import Field, field_validator

from headrace.blocks.notifications import NotificationBlock, NotificationError, Sent
from headrace_email.credentials import EmailServerCredentials
from headrace_email.message import build_message


class EmailNotification(NotificationBlock):
    """Sends each notification as an email to fixed recipients.

    Example:
        EmailNotification(credentials=EmailServerCredentials.load("mail"),
                          email_to=["oncall@example.com"]).save("oncall")
        EmailNotification.load("oncall").notify("the nightly load failed", subject="ETL")
    """

    _block_type_name = "Email Notification"

    credentials: EmailServerCredentials = Field(description="The SMTP server and login.")
    email_to: list[str] = Field(description="Recipients.", min_length=1)
    email_to_cc: list[str] = Field(default_factory=list, description="Copy recipients.")
    email_from: str | None = Field(
        default=None, description="Sender; defaults to the credentials' username."
    )
    subject_prefix: str = Field(
        default="", description="Put in front of every subject, e.g. `[headrace] `."
    )
    default_subject: str = Field(
        default="headrace notification", description="The subject when none is given."
    )
    html: bool = Field(default=False, description="Send the body as HTML instead of text.")

    @field_validator("email_to", "email_to_cc")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if "@" not in address or any(c.isspace() for c in address.strip()):
                raise ValueError(f"not an email address: {address!r}")
        return [address.strip() for address in value]

    def notify(self, body: str, subject: str | None = None) -> Sent:
        """Send `body` as an email; NotificationError when the server refuses it."""
        credentials = self.credentials
        message = build_message(
            self.subject_prefix + (subject or self.default_subject),
            body if self.html else None,
            self.email_from or credentials.username,
            self.email_to,
            self.email_to_cc or None,
            msg_plain=None if self.html else body,
        )
        try:
            with credentials.get_server() as server:
                refused = server.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            # smtplib's errors carry the server's reply, never the password
            raise NotificationError(
                f"email to {', '.join(self.email_to)} via {credentials.host}:"
                f"{credentials.port} failed: {type(exc).__name__}: {exc}"
            ) from None
        if refused:
            raise NotificationError(f"the server refused recipients: {', '.join(refused)}")
        return Sent()
