"""`EmailServerCredentials`: where and how to reach an SMTP server (prefect-email's block).

The password is a `SecretStr`: masked in reprs, logs and the store, and never part of an
error message (`SMTPAuthenticationError` carries the server's reply, not the password).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from enum import Enum
from typing import Any

from pydantic import Field, SecretStr, field_validator

from headrace.blocks.core import Block

logger = logging.getLogger("headrace_email")


class SMTPType(Enum):
    """How the connection is secured; the value is the usual port."""

    SSL = 465
    STARTTLS = 587
    INSECURE = 25


class SMTPServer(Enum):
    """Well-known providers' SMTP hosts (any other host name works too)."""

    AOL = "smtp.aol.com"
    ATT = "smtp.mail.att.net"
    COMCAST = "smtp.comcast.net"
    ICLOUD = "smtp.mail.me.com"
    GMAIL = "smtp.gmail.com"
    OUTLOOK = "smtp-mail.outlook.com"
    YAHOO = "smtp.mail.yahoo.com"


class EmailServerCredentials(Block):
    """An SMTP server and the login to it.

    `smtp_server` is a host name or a provider's name (`"gmail"`); `smtp_type` is SSL
    (TLS from the first byte, port 465), STARTTLS (upgraded after connecting, 587) or
    INSECURE (no TLS, 25); `smtp_port` overrides the type's port. With `verify=False`
    the server's certificate is not checked.

    Example:
        EmailServerCredentials(username="etl@example.com", password="...",
                               smtp_server="smtp.example.com", smtp_type="STARTTLS").save("mail")
    """

    _block_type_name = "Email Server Credentials"

    username: str | None = Field(default=None, description="Login user; None: no login.")
    password: SecretStr = Field(
        default_factory=lambda: SecretStr(""), description="Login password."
    )
    smtp_server: SMTPServer | str = Field(
        default=SMTPServer.GMAIL, title="SMTP Server", description="Host name or provider."
    )
    smtp_type: SMTPType = Field(
        default=SMTPType.SSL, title="SMTP Type", description="SSL, STARTTLS or INSECURE."
    )
    smtp_port: int | None = Field(
        default=None, title="SMTP Port", description="Overrides the type's default port."
    )
    verify: bool = Field(default=True, description="Check the server's TLS certificate.")
    timeout: float = Field(default=30, description="Seconds to wait for the server.")

    @field_validator("smtp_server", mode="before")
    @classmethod
    def _provider(cls, value: Any) -> Any:
        if isinstance(value, str) and value.upper() in SMTPServer.__members__:
            return SMTPServer[value.upper()]
        return value

    @field_validator("smtp_type", mode="before")
    @classmethod
    def _type(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return SMTPType(value)
        if isinstance(value, str):
            if value.upper() not in SMTPType.__members__:
                raise ValueError(f"smtp_type must be one of SSL, STARTTLS, INSECURE; got {value!r}")
            return SMTPType[value.upper()]
        return value

    @property
    def host(self) -> str:
        server = self.smtp_server
        return server.value if isinstance(server, SMTPServer) else server

    @property
    def port(self) -> int:
        return self.smtp_port if self.smtp_port is not None else self.smtp_type.value

    def _tls_context(self) -> ssl.SSLContext:
        if self.verify:
            return ssl.create_default_context()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context

    def get_server(self) -> smtplib.SMTP:
        """A connected SMTP client, TLS set up as `smtp_type` says and logged in when a
        username is set; use it as a context manager so it quits afterwards."""
        host, port = self.host, self.port
        if self.smtp_type is SMTPType.SSL:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, context=self._tls_context(), timeout=self.timeout
            )
        else:
            server = smtplib.SMTP(host, port, timeout=self.timeout)
            if self.smtp_type is SMTPType.STARTTLS:
                try:
                    server.starttls(context=self._tls_context())
                except BaseException:
                    server.close()
                    raise
        if self.username is not None:
            if self.smtp_type is SMTPType.INSECURE or not self.verify:
                logger.warning(
                    "SMTP login to %s without a verified TLS connection: the password may "
                    "travel in the clear",
                    host,
                )
            try:
                server.login(self.username, self.password.get_secret_value())
            except BaseException:
                server.close()
                raise
        return server
