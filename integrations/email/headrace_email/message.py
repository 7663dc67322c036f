"""`email_send_message`: prefect-email's task, synchronous here (smtplib is)."""

from __future__ import annotations

import mimetypes
from email.message import EmailMessage
from pathlib import Path

from headrace import task
from headrace_email.credentials import EmailServerCredentials

Recipients = str | list[str] | None


def _joined(value: Recipients) -> str | None:
    return ", ".join(value) if isinstance(value, list) else value


def build_message(
    subject: str,
    msg: str | None,
    email_from: str | None,
    email_to: Recipients = None,
    email_to_cc: Recipients = None,
    email_to_bcc: Recipients = None,
    msg_plain: str | None = None,
    attachments: list[str] | None = None,
    inline_images: dict[str, str] | None = None,
) -> EmailMessage:
    """The MIME message: `msg` as HTML and/or `msg_plain` as text, files attached, images
    embedded by content id (`<img src="cid:logo">`)."""
    if email_to is None and email_to_cc is None and email_to_bcc is None:
        raise ValueError("One of email_to, email_to_cc, or email_to_bcc must be specified")
    message = EmailMessage()
    message["Subject"] = subject
    if email_from:
        message["From"] = email_from
    for header, value in (("To", email_to), ("Cc", email_to_cc), ("Bcc", email_to_bcc)):
        if value:
            message[header] = _joined(value)
    html: EmailMessage | None = None
    if msg_plain:
        message.set_content(msg_plain)
        if msg:
            message.add_alternative(msg, subtype="html")
            html = message.get_payload()[-1]
    elif msg:
        message.set_content(msg, subtype="html")
        html = message
    else:
        message.set_content("")
    if inline_images and html is None:
        raise ValueError("inline_images need an HTML body (msg)")
    for cid, path in (inline_images or {}).items():
        maintype, subtype = _mime(path)
        html.add_related(  # type: ignore[union-attr]
            Path(path).read_bytes(), maintype, subtype, cid=f"<{cid}>", disposition="inline"
        )
    for path in attachments or []:
        maintype, subtype = _mime(path)
        message.add_attachment(Path(path).read_bytes(), maintype, subtype, filename=Path(path).name)
    return message


def _mime(path: str) -> tuple[str, str]:
    kind, _ = mimetypes.guess_type(path)
    maintype, _, subtype = (kind or "application/octet-stream").partition("/")
    return maintype, subtype


@task
def email_send_message(
    subject: str,
    msg: str,
    email_server_credentials: EmailServerCredentials,
    msg_plain: str | None = None,
    email_from: str | None = None,
    email_to: Recipients = None,
    email_to_cc: Recipients = None,
    email_to_bcc: Recipients = None,
    attachments: list[str] | None = None,
    inline_images: dict[str, str] | None = None,
) -> EmailMessage:
    """Send an email through the credentials' SMTP server; returns the message sent.

    `msg` is the HTML body, `msg_plain` the text one; recipients are a comma-separated
    string or a list; `attachments` are file paths; `inline_images` maps content ids
    to image paths. `From` is `email_from`, else the credentials' username.
    """
    message = build_message(
        subject,
        msg,
        email_from or email_server_credentials.username,
        email_to,
        email_to_cc,
        email_to_bcc,
        msg_plain,
        attachments,
        inline_images,
    )
    with email_server_credentials.get_server() as server:
        server.send_message(message)
    return message
