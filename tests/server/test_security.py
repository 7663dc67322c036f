"""Authentication, the origin (CSRF) rule, secrets in replies, and 422s for bad input."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from server_support import ServerProcess

from headrace.blocks.fields import MASK

KEY = "k3y-for-tests"


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    server = ServerProcess(tmp_path_factory.mktemp("keyed"), env={"HEADRACE_API_KEY": KEY})
    yield server.start()
    server.stop()


@pytest.fixture(scope="module")
def basic(tmp_path_factory):
    env = {"HEADRACE_API_AUTH_STRING": "admin:s3cret"}
    server = ServerProcess(tmp_path_factory.mktemp("basic"), env=env)
    yield server.start()
    server.stop()


BEARER = {"Authorization": f"Bearer {KEY}"}


def test_api_key_is_needed_by_every_call_and_page(keyed):
    assert httpx.get(f"{keyed.api}/health").status_code == 401
    assert httpx.post(f"{keyed.api}/flow_runs/filter", json={}).status_code == 401
    wrong = httpx.get(f"{keyed.api}/health", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert httpx.get(f"{keyed.api}/openapi.json").status_code == 401
    for path in ("/", "/docs"):
        page = httpx.get(f"{keyed.url}{path}", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    assert httpx.get(f"{keyed.api}/health", headers=BEARER).json() is True
    assert httpx.post(f"{keyed.api}/flow_runs/filter", json={}, headers=BEARER).status_code == 200


def test_login_page_trades_the_key_for_a_cookie_that_is_not_the_key(keyed):
    with httpx.Client(base_url=keyed.url, follow_redirects=False) as browser:
        assert browser.get("/login").status_code == 200
        origin = {"Origin": keyed.url}
        refused = browser.post("/login", data={"secret": "wrong", "next": "/"}, headers=origin)
        assert refused.status_code == 401
        evil = browser.post(
            "/login", data={"secret": KEY, "next": "https://evil.example/"}, headers=origin
        )
        assert evil.status_code == 303 and evil.headers["location"] == "/"
        cookie = browser.cookies.get("headrace_session")
        assert cookie and KEY not in cookie
        set_cookie = evil.headers["set-cookie"].lower()
        assert "httponly" in set_cookie and "samesite=strict" in set_cookie
        assert browser.get("/api/health").json() is True
        # a state change with the cookie alone needs a same-origin Origin or Referer
        body = {"value": 1}
        assert browser.put("/api/variables/name/c1", json=body).status_code == 403
        same = browser.put("/api/variables/name/c1", json=body, headers=origin)
        assert same.status_code == 200
        referer = {"Referer": f"{keyed.url}/variables"}
        again = browser.put("/api/variables/name/c2", json=body, headers=referer)
        assert again.status_code == 200


def test_state_changes_from_other_origins_are_refused(keyed, server):
    for api, headers in ((keyed.api, BEARER), (server.api, {})):
        evil = {**headers, "Origin": "http://evil.example"}
        reply = httpx.put(f"{api}/variables/name/x1", json={"value": 1}, headers=evil)
        assert reply.status_code == 403 and "cross-origin" in reply.json()["detail"]
        null = httpx.put(
            f"{api}/variables/name/x1", json={"value": 1}, headers={**headers, "Origin": "null"}
        )
        assert null.status_code == 403
        referer = {**headers, "Referer": "http://evil.example/page"}
        assert (
            httpx.put(f"{api}/variables/name/x1", json={"value": 1}, headers=referer).status_code
            == 403
        )
        # reads are not state changes; a non-browser client without Origin may write
        assert httpx.get(f"{api}/health", headers=evil).status_code == 200
        plain = httpx.put(f"{api}/variables/name/x1", json={"value": 1}, headers=headers)
        assert plain.status_code == 200


def test_basic_auth(basic):
    assert httpx.get(f"{basic.api}/health").headers["www-authenticate"].startswith("Basic")
    assert httpx.get(f"{basic.api}/health", auth=("admin", "s3cret")).json() is True
    assert httpx.get(f"{basic.api}/health", auth=("admin", "nope")).status_code == 401
    page = httpx.get(f"{basic.url}/")
    assert page.status_code == 401 and page.headers["www-authenticate"].startswith("Basic")


def test_secret_values_never_appear_in_replies(remote):
    from headrace.blocks.system import Secret

    Secret(value="hunter2-very-secret").save("db-password", overwrite=True)
    api = remote.api
    # generous: the server decodes masked values with block types from plugins, which it
    # imports in the background after its start
    with httpx.Client(timeout=60) as client:
        replies = [
            client.post(f"{api}/block_documents/filter", json={}),
            client.post(f"{api}/block_documents/filter", json={"include_encrypted": True}),
            client.get(f"{api}/block_types/slug/secret/block_documents/name/db-password"),
        ]
    for reply in replies:
        assert reply.status_code == 200
        assert "hunter2" not in reply.text
        encoded = base64.b64encode(b"hunter2").decode()
        assert encoded not in reply.text
    document = replies[2].json()
    assert document["values"] == {"value": MASK}
    assert "data" not in document
    assert Secret.load("db-password").get() == "hunter2-very-secret"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/flow_runs/filter", b"{not json"),
        ("POST", "/flow_runs/filter", json.dumps({"limit": "many"}).encode()),
        ("POST", "/flow_runs/filter", json.dumps({"state_types": ["SLEEPING"]}).encode()),
        ("POST", "/flow_runs/filter", json.dumps({"unknown_field": 1}).encode()),
        ("POST", "/flow_runs/filter", json.dumps([1, 2]).encode()),
        ("POST", "/task_runs/filter", json.dumps({"offset": -1}).encode()),
        ("POST", "/logs/filter", json.dumps({"level_min": "x"}).encode()),
        ("POST", "/ingest", b"[]"),
        ("POST", "/ingest", json.dumps({"records": [["task_run", 1, 2]]}).encode()),
        ("POST", "/ingest", json.dumps({"records": [["log", None, None, "x", 1, 2, 3]]}).encode()),
        ("POST", "/ingest", b"\xff\xfe"),
        ("POST", "/flow_runs/abc/set_state", json.dumps({"type": "NOPE"}).encode()),
        ("PUT", "/variables/name/ok", b"{}"),
        ("PUT", "/deployments", json.dumps({"name": "", "flow_name": "f"}).encode()),
        ("PUT", "/block_documents", json.dumps({"documents": [{"id": "1"}]}).encode()),
        ("POST", "/concurrency_limits", json.dumps({"name": "x", "limit": -3}).encode()),
        ("POST", "/concurrency_limits/acquire", json.dumps({"names": []}).encode()),
        ("POST", "/work_pools", json.dumps({"name": "p", "type": "kubernetes"}).encode()),
    ],
)
def test_bad_input_is_a_422_with_a_message(server, method, path, body):
    reply = httpx.request(
        method, f"{server.api}{path}", content=body, headers={"Content-Type": "application/json"}
    )
    assert reply.status_code == 422, reply.text
    payload = reply.json()
    assert payload["detail"]
    assert "Traceback" not in reply.text


def test_a_loopback_server_answers_only_to_loopback_names(server):
    """DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1."""
    rebound = httpx.get(f"{server.api}/health", headers={"Host": f"evil.example:{server.port}"})
    assert rebound.status_code == 421
    local = httpx.get(f"{server.api}/health", headers={"Host": f"localhost:{server.port}"})
    assert local.json() is True
