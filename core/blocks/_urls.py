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


def check_public_url(url: str) -> None:
    """ValueError unless `url` is http(s) and its host resolves only to public addresses
    (for blocks with `allow_private_urls=False`: a saved block must not reach into the
    network it runs in). The message names the host, never the whole URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("the URL must be an http(s) URL with a host")
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise ValueError(f"cannot resolve the URL's host {host!r}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ValueError(
                f"the URL's host {host!r} resolves to the private address {address}, and "
                "allow_private_urls is False"
            )


def check_http_url(url: str) -> None:
    """ValueError unless `url` is http(s) with a host; the message does not repeat it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("the URL must be an http(s) URL with a host")


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
