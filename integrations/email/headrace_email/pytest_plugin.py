"""pytest fixtures for code that sends email (installed with `headrace-email[testing]`).

headrace_smtp_server       a real SMTP server on 127.0.0.1 (aiosmtpd) with TLS and a
                           required login; its certificate authority is trusted for the
                           test (`SSL_CERT_FILE`); configure it with
                           `@pytest.mark.headrace_smtp_server(mode="ssl")` (or
                           "starttls", the default, or "insecure")
headrace_email_credentials EmailServerCredentials that reach and log in to it
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headrace.testing.pytest_plugin import closest_marker


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "headrace_smtp_server(mode=..., username=..., password=...): configure the "
        "headrace_smtp_server fixture",
    )
    # aiosmtpd warns, per connection, of AUTH without STARTTLS: an "ssl" server is TLS
    # from the first byte and needs none, an "insecure" one is insecure on purpose
    config.addinivalue_line(
        "filterwarnings", "ignore:Requiring AUTH while not requiring TLS:UserWarning"
    )


@pytest.fixture
def headrace_smtp_server(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """A local SMTP server requiring TLS and login, stopped after the test."""
    from headrace_email.testing import local_smtp_server

    marker = closest_marker(request, "headrace_smtp_server")
    with local_smtp_server(**(marker.kwargs if marker else {})) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
        yield server


@pytest.fixture
def headrace_email_credentials(headrace_smtp_server: Any) -> Any:
    """EmailServerCredentials for `headrace_smtp_server`."""
    return headrace_smtp_server.credentials()
