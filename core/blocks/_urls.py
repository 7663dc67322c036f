"""What the webhook blocks share: refusing private addresses, and errors that never repeat
a URL (webhook URLs are secrets: whoever has one can post)."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from headrace.secrets import MASK


def _invalid(reason: str = "") -> ValueError:
    # Prefect's wording ("... is not a valid URL. <reason>"), without the URL itself
    return ValueError(f"The webhook URL is not a valid URL.{' ' + reason if reason else ''}")


def _host(url: str) -> tuple[str, int]:
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        raise _invalid() from None
    if parts.scheme and parts.scheme not in ("http", "https"):
        raise _invalid("Only HTTP and HTTPS URLs are allowed.")
    if parts.scheme not in ("http", "https") or not host:
        raise _invalid()
    return host, port or (443 if parts.scheme == "https" else 80)


def check_http_url(url: str) -> None:
    """ValueError unless `url` is http(s) with a host; the message does not repeat it."""
    _host(url)


def check_public_url(url: str) -> None:
    """ValueError unless `url` is http(s) and its host resolves only to public addresses
    (for blocks with `allow_private_urls=False`: a saved block must not reach into the
    network it runs in). The message names the host, never the whole URL."""
    host, port = _host(url)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        raise _invalid(f"Its host {host!r} could not be resolved.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise _invalid(
                f"Its host {host!r} resolves to the private address {address}, and "
                "allow_private_urls is False."
            )


class _Redactor(logging.Filter):
    """Masks the secrets of calls in flight in the records of the HTTP libraries' loggers
    (httpx logs every request's full URL at INFO, and a webhook URL is a credential)."""

    def __init__(self) -> None:
        super().__init__()
        self.active: Counter[str] = Counter()
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        with self.lock:
            secrets = sorted(self.active, key=len, reverse=True)
        if secrets:
            message = record.getMessage()
            for secret in secrets:
                message = message.replace(secret, MASK)
            record.msg, record.args = message, ()
        return True


_redactor = _Redactor()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_redactor)


@contextmanager
def redacted(*secrets: str) -> Iterator[None]:
    """While inside, the given secrets (four characters or more) are masked in httpx's and
    httpcore's log records."""
    kept = [secret for secret in secrets if len(secret) >= 4]
    with _redactor.lock:
        _redactor.active.update(kept)
    try:
        yield
    finally:
        with _redactor.lock:
            _redactor.active.subtract(kept)
            _redactor.active += Counter()  # drop the ones no call holds any more
