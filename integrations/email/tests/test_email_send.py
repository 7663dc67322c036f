"""EmailServerCredentials and email_send_message against a real SMTP server on 127.0.0.1
with TLS (verified against a test certificate authority) and a required login."""

from __future__ import annotations

import logging
import smtplib
import ssl

import pytest
from headrace_email import EmailServerCredentials, SMTPServer, SMTPType, email_send_message

from headrace import flow
from headrace.blocks.core import Block

pytestmark = pytest.mark.headrace_harness


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_a_flow_sends_over_verified_tls_with_login(request, mode):
    request.node.add_marker(pytest.mark.headrace_smtp_server(mode=mode))
    server = request.getfixturevalue("headrace_smtp_server")
    server.credentials().save("mail")

    @flow
    def report() -> str:
        message = email_send_message(
            subject="Nightly load",
            msg="<b>3 rows</b> loaded",
            msg_plain="3 rows loaded",
            email_server_credentials=EmailServerCredentials.load("mail"),
            email_to=["a@example.test", "b@example.test"],
            email_to_cc="c@example.test",
            email_to_bcc="d@example.test",
        )
        return message["Subject"]

    assert report() == "Nightly load"
    (received,) = server.messages
    assert received.tls and received.login == server.username
    assert received.mail_from == server.username
    assert sorted(received.rcpt_tos) == [f"{x}@example.test" for x in "abcd"]
    assert received.message["To"] == "a@example.test, b@example.test"
    assert received.message["Bcc"] is None  # bcc recipients get it, the header does not travel
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in received.message.walk()
        if not p.is_multipart()
    }
    assert parts["text/plain"].strip() == "3 rows loaded"
    assert parts["text/html"].strip() == "<b>3 rows</b> loaded"


def test_attachments_and_inline_images(headrace_smtp_server, headrace_email_credentials, tmp_path):
    report = tmp_path / "report.csv"
    report.write_text("a,b\n1,2\n")
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\nfake")

    @flow
    def send() -> None:
        email_send_message(
            subject="files",
            msg='<img src="cid:logo">',
            email_server_credentials=headrace_email_credentials,
            email_from="reports@example.test",
            email_to="a@example.test",
            attachments=[str(report)],
            inline_images={"logo": str(logo)},
        )

    send()
    message = headrace_smtp_server.messages[0].message
    assert message["From"] == "reports@example.test"
    attachment = next(p for p in message.walk() if p.get_filename() == "report.csv")
    assert attachment.get_payload(decode=True) == b"a,b\n1,2\n"
    image = next(p for p in message.walk() if p["Content-ID"] == "<logo>")
    assert image.get_content_type() == "image/png" and image.get_payload(decode=True).endswith(
        b"fake"
    )


def test_a_wrong_password_fails_without_showing_it(headrace_smtp_server, caplog):
    credentials = headrace_smtp_server.credentials(password="not-the-s3cr3t")
    assert "s3cr3t" not in repr(credentials)
    with caplog.at_level(logging.DEBUG), pytest.raises(smtplib.SMTPAuthenticationError) as info:
        credentials.get_server()
    assert "s3cr3t" not in str(info.value) and "s3cr3t" not in caplog.text
    assert headrace_smtp_server.messages == []


def test_an_untrusted_certificate_is_refused_unless_verify_is_off(
    headrace_smtp_server, monkeypatch
):
    monkeypatch.delenv("SSL_CERT_FILE")
    with pytest.raises(ssl.SSLCertVerificationError):
        headrace_smtp_server.credentials().get_server()
    with headrace_smtp_server.credentials(verify=False).get_server() as server:
        assert server.noop()[0] == 250


@pytest.mark.headrace_smtp_server(mode="insecure")
def test_insecure_login_works_with_a_warning(headrace_smtp_server, caplog):
    credentials = headrace_smtp_server.credentials()
    with caplog.at_level(logging.WARNING, logger="headrace_email"), credentials.get_server() as s:
        assert s.noop()[0] == 250
    assert "without a verified TLS connection" in caplog.text


def test_prefect_email_field_spellings_and_bad_input():
    credentials = EmailServerCredentials(smtp_server="gmail", smtp_type="starttls")
    assert (
        credentials.smtp_server is SMTPServer.GMAIL and credentials.smtp_type is SMTPType.STARTTLS
    )
    assert (credentials.host, credentials.port) == ("smtp.gmail.com", 587)
    assert EmailServerCredentials(smtp_type=465, smtp_server="mail.example.org").port == 465
    with pytest.raises(ValueError, match="SSL, STARTTLS, INSECURE"):
        EmailServerCredentials(smtp_type="tls")
    with pytest.raises(ValueError, match="email_to, email_to_cc, or email_to_bcc"):
        email_send_message.fn(subject="s", msg="m", email_server_credentials=credentials)


def test_the_password_is_encrypted_at_rest(headrace_harness):
    EmailServerCredentials(username="u", password="pa55-s3cr3t").save("mail")
    loaded = Block.load("email-server-credentials/mail")
    assert loaded.password.get_secret_value() == "pa55-s3cr3t"
    data = b"".join(p.read_bytes() for p in headrace_harness.home.rglob("*") if p.is_file())
    assert b"pa55-s3cr3t" not in data
