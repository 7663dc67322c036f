"""Run the server in the foreground until SIGTERM or Ctrl-C.

uvicorn stops accepting connections on the signal, lets the requests in flight finish,
then runs the app's shutdown, which commits every queued store write before exiting.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import socket
import sys

from headrace.server.config import AuthConfig

#: clients use this to reach a server; the server itself must use its own store
API_URL_ENV = "HEADRACE_API_URL"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0 picks a free one), bound before uvicorn starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _stopped(signum: int, frame: object) -> None:
    """The signal was handled already: uvicorn finished the requests and closed the store."""


def run(host: str, port: int, log_level: str = "warning") -> None:
    """Serve until told to stop; prints where, and how to point clients at it."""
    import uvicorn

    from headrace.server.front import Front
    from headrace.settings import get_settings

    os.environ.pop(API_URL_ENV, None)
    auth = AuthConfig.from_env()
    sock = bind(host, port)
    url = base_url(sock)
    app = Front(auth, loopback_only=ipaddress.ip_address(sock.getsockname()[0]).is_loopback)
    # uvicorn's lines in headrace's layout: its loggers are configured by headrace's
    # logging file (the `uvicorn` entry), not by uvicorn's own configuration
    from headrace.logging.configuration import ensure_logging_setup

    ensure_logging_setup()
    logging.getLogger("uvicorn").setLevel(log_level.upper())
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        ws="none",  # no websocket routes: skip importing a websocket library at start
        timeout_graceful_shutdown=30,
        server_header=False,
    )
    server = uvicorn.Server(config)
    print(
        f"headrace server at {url} (API {url}/api, API reference {url}/docs)\n"
        f"store: {get_settings().database}"
        + ("; authentication on" if auth.enabled else "")
        + f"\npoint clients and workers at it with: export {API_URL_ENV}={url}/api",
        flush=True,
    )
    # uvicorn handles SIGTERM/SIGINT while serving, then re-raises the signal it got;
    # these handlers take that re-raise, so a clean stop exits 0
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _stopped)
    server.run(sockets=[sock])
    print("headrace server stopped", file=sys.stderr, flush=True)
