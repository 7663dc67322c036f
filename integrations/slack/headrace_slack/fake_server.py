"""A loopback fake of Slack's Web API and incoming webhooks, for tests.

It answers the way Slack does: HTTP 200 with `{"ok": false, "error": ...}` for Web API
refusals (`not_authed`, `invalid_auth`, `channel_not_found`, `no_text`), plain-text
errors with 4xx codes for webhooks (`no_service`, `invalid_payload`, `no_text`).
Every request is recorded; accepted messages are kept in `messages`.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

DEFAULT_TOKEN = "xoxb-fake-headrace-token"
WEBHOOK_PATH = "/services/T0FAKE/B0FAKE/fakewebhooksecret"


@dataclass
class RecordedRequest:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class PostedMessage:
    """A message the fake accepted, through the Web API or a webhook."""

    channel: str
    text: str | None
    attachments: list | None = None
    blocks: list | None = None
    via: str = "chat.postMessage"


class FakeSlack:
    """Slack Web API (`/api/<method>`) and one incoming webhook on 127.0.0.1.

    Use as a context manager or call `start()`/`stop()`. `channels` maps names to ids;
    `webhook_channel` is where webhook messages land.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        channels: tuple[str, ...] = ("general", "alerts"),
        webhook_channel: str = "alerts",
    ) -> None:
        self.token = token
        self.channels = {name: f"C{i:08d}" for i, name in enumerate(channels, start=1)}
        self.webhook_channel = webhook_channel
        self.requests: list[RecordedRequest] = []
        self.messages: list[PostedMessage] = []
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeSlack:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>`."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not running: call start() or use it in a with")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """The Web API root, for `SlackCredentials(base_url=...)` / `WebClient(base_url=)`."""
        return f"{self.url}/api/"

    @property
    def webhook_url(self) -> str:
        """The one incoming webhook this fake serves."""
        return f"{self.url}{WEBHOOK_PATH}"

    # -- what the handler calls --------------------------------------------------------
    def web_api(self, method: str, headers: dict[str, str], body: dict) -> dict[str, Any]:
        auth = headers.get("authorization", "")
        token = body.get("token") or auth.removeprefix("Bearer ").strip()
        if not token:
            return {"ok": False, "error": "not_authed"}
        if token != self.token:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {"ok": True, "url": self.url + "/", "team": "headrace", "user": "bot"}
        if method != "chat.postMessage":
            return {"ok": False, "error": "unknown_method", "req_method": method}
        channel_id = self._channel_id(str(body.get("channel", "")))
        if channel_id is None:
            return {"ok": False, "error": "channel_not_found"}
        text, attachments, blocks = _content(body)
        if not (text or attachments or blocks):
            return {"ok": False, "error": "no_text"}
        ts = f"1700000000.{next(self._ts):06d}"
        channel = next(n for n, i in self.channels.items() if i == channel_id)
        self._record_message(PostedMessage(channel, text, attachments, blocks))
        message = {"type": "message", "text": text or "", "ts": ts, "bot_id": "B0FAKE"}
        if blocks:
            message["blocks"] = blocks
        return {"ok": True, "channel": channel_id, "ts": ts, "message": message}

    def webhook(self, path: str, body: dict) -> tuple[int, str]:
        if path != WEBHOOK_PATH:
            return 404, "no_service"
        if body.get("_invalid_json"):
            return 400, "invalid_payload"
        text, attachments, blocks = _content(body)
        if not (text or attachments or blocks):
            return 400, "no_text"
        self._record_message(
            PostedMessage(self.webhook_channel, text, attachments, blocks, via="webhook")
        )
        return 200, "ok"

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _record_message(self, message: PostedMessage) -> None:
        with self._lock:
            self.messages.append(message)

    def _channel_id(self, channel: str) -> str | None:
        name = channel.removeprefix("#")
        if name in self.channels:
            return self.channels[name]
        return channel if channel in self.channels.values() else None


def _content(body: dict) -> tuple[str | None, list | None, list | None]:
    def as_list(value: Any) -> list | None:
        if isinstance(value, str):  # form-encoded requests send JSON strings
            value = json.loads(value)
        return value or None

    return body.get("text") or None, as_list(body.get("attachments")), as_list(body.get("blocks"))


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSlack

    def do_POST(self) -> None:  # noqa: N802 - the http.server naming
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        body = _parse_body(raw, self.headers.get("Content-Type", ""))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.fake.record(RecordedRequest("POST", self.path, headers, body))
        if self.path.startswith("/api/"):
            answer = self.fake.web_api(self.path[len("/api/") :].split("?")[0], headers, body)
            self._reply(200, json.dumps(answer), "application/json; charset=utf-8")
        else:
            status, text = self.fake.webhook(self.path, body)
            self._reply(status, text, "text/html")

    def _reply(self, status: int, text: str, content_type: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines would name the webhook path, which is a secret."""


def _parse_body(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        try:
            parsed = json.loads(raw or "{}")
        except json.JSONDecodeError:
            return {"_invalid_json": True}
        return parsed if isinstance(parsed, dict) else {"_invalid_json": True}
    return dict(parse_qsl(raw))
