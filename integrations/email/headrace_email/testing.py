"""A real SMTP server on 127.0.0.1 for tests (installed with `headrace-email[testing]`).

`local_smtp_server()` runs aiosmtpd with TLS (SSL from the first byte, or STARTTLS) under
a certificate from a throwaway certificate authority (trustme), and requires a login.
Clients trust that authority through `SSL_CERT_FILE`, which `ssl.create_default_context()`
reads, so `verify=True` is tested for real.
"""

from __future__ import annotations

import email
import os
import socket
import ssl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, Literal

from headrace_email.credentials import EmailServerCredentials

Mode = Literal["ssl", "starttls", "insecure"]

TEST_USERNAME = "headrace@example.test"
TEST_PASSWORD = "smtp-test-password"  # noqa: S105 - a fixed login of the local test server


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    message: Message
    login: str | None
    tls: bool


@dataclass
class LocalSMTPServer:
    """What a test needs: where the server listens, how to log in, what arrived."""

    host: str
    port: int
    mode: Mode
    username: str
    password: str
    ca_file: Path
    messages: list[Received] = field(default_factory=list)
    #: recipients the server refuses (550), to test a refused message
    refuse: set[str] = field(default_factory=set)

    def credentials(self, **overrides: Any) -> EmailServerCredentials:
        """EmailServerCredentials that reach this server and log in."""
        smtp_type = {"ssl": "SSL", "starttls": "STARTTLS", "insecure": "INSECURE"}[self.mode]
        values: dict[str, Any] = {
            "smtp_server": self.host,
            "smtp_port": self.port,
            "smtp_type": smtp_type,
            "username": self.username,
            "password": self.password,
        }
        return EmailServerCredentials(**(values | overrides))


class _Handler:
    def __init__(self, server: LocalSMTPServer) -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201
        if address in self.server.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        login = session.auth_data.login.decode() if session.auth_data else None
        self.server.messages.append(
            Received(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=email.message_from_bytes(envelope.content),
                login=login,
                # STARTTLS sets session.ssl; an "ssl" server's transport is TLS itself
                tls=session.ssl is not None
                or server.transport.get_extra_info("ssl_object") is not None,
            )
        )
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def local_smtp_server(
    mode: Mode = "starttls",
    username: str = TEST_USERNAME,
    password: str = TEST_PASSWORD,
) -> Iterator[LocalSMTPServer]:
    """An SMTP server on 127.0.0.1 that requires `username`/`password` (over TLS unless
    `mode="insecure"`), stopped on exit. Point `SSL_CERT_FILE` at `.ca_file` to trust it."""
    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)
    with tempfile.TemporaryDirectory(prefix="headrace-smtp-") as folder:
        ca_file = Path(folder) / "ca.pem"
        authority.cert_pem.write_to_path(str(ca_file))
        state = LocalSMTPServer("127.0.0.1", _free_port(), mode, username, password, ca_file)

        def authenticate(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
            ok = isinstance(auth_data, LoginPassword) and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            ) == (username, password)
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        options: dict[str, Any] = {
            "authenticator": authenticate,
            "auth_required": True,
            # aiosmtpd counts only STARTTLS as TLS; an "ssl" server is TLS from the start
            "auth_require_tls": mode == "starttls",
        }
        if mode == "starttls":
            options |= {"tls_context": server_context, "require_starttls": True}
        controller = Controller(
            _Handler(state),
            hostname="127.0.0.1",
            port=state.port,
            ssl_context=server_context if mode == "ssl" else None,
            server_hostname="127.0.0.1",
            **options,
        )
        controller.start()
        try:
            yield state
        finally:
            controller.stop()


@contextmanager
def trusting(ca_file: Path) -> Iterator[None]:
    """While inside, `ssl.create_default_context()` trusts the test authority."""
    old = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(ca_file)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = old
