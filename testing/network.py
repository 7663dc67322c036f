"""`headrace_block_network`: HTTP calls that no test route answers fail, naming the request.

The block sits below respx and responses, where a request arrives only when no mock
answered it: on httpcore's per-connection `handle_request` (what every httpx transport
ends up calling) and urllib3's `HTTPConnectionPool.urlopen` (what requests ends up
calling). A request to an allowed host goes through unchanged.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["NetworkBlocker", "RealNetworkBlocked"]


class RealNetworkBlocked(RuntimeError):
    """A test made an HTTP request that no mock answered."""


def _hint(host: str) -> str:
    return (
        "Add a route for it (respx_mock / respx.mock for httpx, responses for requests), "
        f"or allow the host with @pytest.mark.headrace_block_network(allow_hosts=[{host!r}])."
    )


class NetworkBlocker:
    """Patches the lowest HTTP layers of httpx and requests for as long as it is started."""

    def __init__(self, allow_hosts: Iterable[str] = ()) -> None:
        self.allow_hosts = frozenset(allow_hosts)
        self.blocked: list[str] = []
        self._undo: list[Callable[[], None]] = []

    def _refuse(self, method: str, url: str, host: str) -> RealNetworkBlocked:
        request = f"{method} {url}"
        self.blocked.append(request)
        return RealNetworkBlocked(
            f"headrace_block_network: {request} was not answered by any test route and real "
            f"network access is blocked in this test. {_hint(host)}"
        )

    def start(self) -> None:
        self._patch_httpcore()
        self._patch_urllib3()

    def stop(self) -> None:
        while self._undo:
            self._undo.pop()()

    def _replace(self, owner: Any, name: str, replacement: Callable[..., Any]) -> None:
        original = owner.__dict__[name]
        setattr(owner, name, replacement)
        self._undo.append(lambda: setattr(owner, name, original))

    def _patch_httpcore(self) -> None:
        try:
            sync_connection = importlib.import_module("httpcore._sync.connection")
            async_connection = importlib.import_module("httpcore._async.connection")
        except ImportError:
            return
        blocker = self
        sync_original = sync_connection.HTTPConnection.handle_request
        async_original = async_connection.AsyncHTTPConnection.handle_async_request

        def handle_request(connection: Any, request: Any) -> Any:
            blocker._check_httpcore(request)
            return sync_original(connection, request)

        async def handle_async_request(connection: Any, request: Any) -> Any:
            blocker._check_httpcore(request)
            return await async_original(connection, request)

        self._replace(sync_connection.HTTPConnection, "handle_request", handle_request)
        self._replace(
            async_connection.AsyncHTTPConnection, "handle_async_request", handle_async_request
        )

    def _check_httpcore(self, request: Any) -> None:
        host = request.url.host.decode("ascii", "replace")
        if host not in self.allow_hosts:
            url = bytes(request.url).decode("ascii", "replace")
            raise self._refuse(request.method.decode("ascii", "replace"), url, host)

    def _patch_urllib3(self) -> None:
        try:
            connectionpool = importlib.import_module("urllib3.connectionpool")
        except ImportError:
            return
        blocker = self
        original = connectionpool.HTTPConnectionPool.urlopen

        def urlopen(pool: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            if pool.host not in blocker.allow_hosts:
                default = {"http": 80, "https": 443}.get(pool.scheme)
                port = f":{pool.port}" if pool.port and pool.port != default else ""
                full = url if "://" in url else f"{pool.scheme}://{pool.host}{port}{url}"
                raise blocker._refuse(method, full, pool.host)
            return original(pool, method, url, *args, **kwargs)

        self._replace(connectionpool.HTTPConnectionPool, "urlopen", urlopen)
