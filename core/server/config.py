"""Server settings from the environment: where to bind, and who may call it.

`HEADRACE_API_KEY` (a bearer token) or `HEADRACE_API_AUTH_STRING` (`user:password`, HTTP
basic auth) switch authentication on; clients read the same variables and send them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from headrace.settings import get_current_settings, secret_text

API_KEY_ENV = "HEADRACE_API_KEY"
AUTH_STRING_ENV = "HEADRACE_API_AUTH_STRING"
ALLOWED_ORIGINS_ENV = "HEADRACE_SERVER_ALLOWED_ORIGINS"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4200


class ServerConfigError(ValueError):
    """A server setting that cannot be used as given."""


@dataclass(frozen=True)
class AuthConfig:
    """The credentials the server accepts (none: every caller is trusted)."""

    api_key: str | None = None
    auth_string: str | None = None

    def __repr__(self) -> str:  # never show the credentials
        return f"AuthConfig(api_key={'set' if self.api_key else None}, basic={self.basic_user!r})"

    @classmethod
    def from_env(cls) -> AuthConfig:
        api = get_current_settings().api
        api_key, auth_string = secret_text(api.key), secret_text(api.auth_string)
        if auth_string is not None and ":" not in auth_string:
            raise ServerConfigError(f"{AUTH_STRING_ENV} must look like user:password")
        return cls(api_key=api_key, auth_string=auth_string)

    @property
    def enabled(self) -> bool:
        return bool(self.api_key or self.auth_string)

    @property
    def basic_user(self) -> str | None:
        return self.auth_string.partition(":")[0] if self.auth_string else None

    def accepts_header(self, value: str) -> bool:
        """Whether an `Authorization` header value carries valid credentials."""
        scheme, _, credentials = value.strip().partition(" ")
        scheme = scheme.lower()
        credentials = credentials.strip()
        if scheme == "bearer" and self.api_key:
            return hmac.compare_digest(credentials.encode(), self.api_key.encode())
        if scheme == "basic" and self.auth_string:
            try:
                decoded = base64.b64decode(credentials, validate=True)
            except ValueError:
                return False
            return hmac.compare_digest(decoded, self.auth_string.encode())
        return False

    def accepts_login(self, secret: str) -> bool:
        """Whether a secret typed into the login page is the API key or the auth string."""
        return any(
            expected and hmac.compare_digest(secret.encode(), expected.encode())
            for expected in (self.api_key, self.auth_string)
        )

    def session_token(self) -> str:
        """The value of the login cookie: derived from the credentials, never equal to them."""
        secret = (self.api_key or "") + "\0" + (self.auth_string or "")
        return hmac.new(secret.encode(), b"headrace-ui-session", hashlib.sha256).hexdigest()


def allowed_origins() -> frozenset[str]:
    """Extra origins (e.g. a reverse proxy's public URL) allowed to send state changes."""
    origins = get_current_settings().server.allowed_origins
    return frozenset(origin.rstrip("/") for origin in origins)
