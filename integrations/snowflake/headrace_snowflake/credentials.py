"""SnowflakeCredentials: who connects, with a password, a key pair or a token."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretBytes, SecretStr, model_validator

from headrace.blocks.core import Block
from headrace_snowflake.errors import SnowflakeConfigError, SnowflakeConnectError

Authenticator = Literal[
    "snowflake",
    "snowflake_jwt",
    "externalbrowser",
    "okta_endpoint",
    "oauth",
    "username_password_mfa",
    "programmatic_access_token",
]


class SnowflakeCredentials(Block):
    """Credentials for one Snowflake user.

    Give a password, a private key (`private_key` PEM or `private_key_path`, with
    `private_key_passphrase` if it is encrypted), or a `token` with
    `authenticator="oauth"`. `host`, `port` and `protocol` are for private-link hosts
    and local doubles; `connect_args` passes other, non-secret, connector options.

    Example:
        SnowflakeCredentials(account="xy12345.eu-west-1", user="etl", password="...")
    """

    _block_type_name = "Snowflake Credentials"

    account: str = Field(description="Account identifier, e.g. `xy12345.eu-west-1`.")
    user: str = Field(description="The login name.")
    password: SecretStr | None = Field(default=None, description="The user's password.")
    private_key: SecretBytes | None = Field(default=None, description="PEM private key.")
    private_key_path: Path | None = Field(default=None, description="Path to a PEM key file.")
    private_key_passphrase: SecretStr | None = Field(
        default=None, description="Passphrase of an encrypted private key."
    )
    authenticator: Authenticator = Field(default="snowflake", description="How to log in.")
    token: SecretStr | None = Field(default=None, description="OAuth or access token.")
    endpoint: str | None = Field(default=None, description="Okta endpoint (okta_endpoint).")
    role: str | None = Field(default=None, description="Role to use.")
    autocommit: bool | None = Field(default=None, description="Session autocommit.")
    host: str | None = Field(default=None, description="Host, when not derived from account.")
    port: int | None = Field(default=None, description="Port, with `host`.")
    protocol: Literal["https", "http"] | None = Field(default=None, description="With `host`.")
    connect_args: dict[str, Any] = Field(
        default_factory=dict,
        description="More snowflake.connector.connect() options; never secrets.",
    )

    @model_validator(mode="after")
    def _one_way_to_log_in(self) -> SnowflakeCredentials:
        has_key = self.private_key is not None or self.private_key_path is not None
        if self.private_key is not None and self.private_key_path is not None:
            raise ValueError("give private_key or private_key_path, not both")
        if has_key and self.authenticator == "snowflake":
            self.authenticator = "snowflake_jwt"
        needs = {
            "snowflake": (self.password, "a password (or a private key for key-pair login)"),
            "username_password_mfa": (self.password, "a password"),
            "snowflake_jwt": (has_key or None, "private_key or private_key_path"),
            "oauth": (self.token, "a token"),
            "programmatic_access_token": (self.token, "a token"),
            "okta_endpoint": (self.endpoint, "an endpoint (your Okta URL)"),
        }
        if self.authenticator in needs:
            value, what = needs[self.authenticator]
            if value is None:
                raise ValueError(f"authenticator {self.authenticator!r} needs {what}")
        return self

    def connect_kwargs(self) -> dict[str, Any]:
        """The keyword arguments for `snowflake.connector.connect`, secrets included."""
        kwargs: dict[str, Any] = {
            **self.connect_args,
            "account": self.account,
            "user": self.user,
            "authenticator": self.authenticator,
        }
        optional = {
            "role": self.role,
            "autocommit": self.autocommit,
            "host": self.host,
            "port": self.port,
            "protocol": self.protocol,
        }
        kwargs.update({k: v for k, v in optional.items() if v is not None})
        if self.password is not None:
            kwargs["password"] = self.password.get_secret_value()
        if self.token is not None:
            kwargs["token"] = self.token.get_secret_value()
        if self.authenticator == "okta_endpoint":
            kwargs["authenticator"] = self.endpoint
        if self.authenticator == "snowflake_jwt":
            kwargs["private_key"] = self.resolve_private_key()
        return kwargs

    def resolve_private_key(self) -> bytes:
        """The private key as unencrypted DER (PKCS#8), the form the connector takes."""
        from cryptography.hazmat.primitives import serialization

        if self.private_key is not None:
            pem = self.private_key.get_secret_value()
        else:
            try:
                pem = Path(self.private_key_path).expanduser().read_bytes()
            except OSError as exc:
                raise SnowflakeConfigError(
                    f"cannot read private_key_path {str(self.private_key_path)!r}: {exc.strerror}"
                ) from None
        passphrase = self.private_key_passphrase
        try:
            key = serialization.load_pem_private_key(
                pem, password=passphrase.get_secret_value().encode() if passphrase else None
            )
        except (ValueError, TypeError) as exc:
            raise SnowflakeConfigError(_key_problem(exc, passphrase is not None)) from None
        return key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def get_client(self, **connect_kwargs: Any):
        """Open a `snowflake.connector.SnowflakeConnection` (extra kwargs win)."""
        import snowflake.connector

        kwargs = {**self.connect_kwargs(), **connect_kwargs}
        try:
            return snowflake.connector.connect(**kwargs)
        except snowflake.connector.errors.DatabaseError as exc:
            where = f"{self.host}:{self.port}" if self.host else f"account {self.account!r}"
            raise SnowflakeConnectError(
                f"could not connect to Snowflake ({where}) as {self.user!r}: {exc.msg}"
            ) from exc


def _key_problem(exc: Exception, had_passphrase: bool) -> str:
    text = str(exc)
    if "encrypted" in text.lower() and not had_passphrase:
        return "the private key is encrypted: set private_key_passphrase"
    if had_passphrase and ("decrypt" in text.lower() or "password" in text.lower()):
        return "the private key could not be decrypted: wrong private_key_passphrase?"
    return "the private key is not a readable PEM key"
