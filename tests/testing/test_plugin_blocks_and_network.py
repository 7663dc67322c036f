"""headrace_blocks and headrace_block_network in real user test files."""

from __future__ import annotations

from collections.abc import Callable

import pytest

FLOWS = """
import httpx
import requests
from headrace import flow, task
from headrace.blocks.system import JSON, Secret


@task
def call_api(url: str) -> int:
    token = Secret.load("api-token").get()
    return httpx.get(url, headers={"authorization": token}).json()["count"]


@task
def call_with_requests(url: str) -> int:
    return requests.get(url, timeout=5).json()["count"]


@task
async def call_async(url: str) -> int:
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).json()["count"]


@flow
def report(url: str = "https://api.example.com/count") -> dict:
    settings = JSON.load("report-settings").value
    return {"count": call_api(url), **settings}


@flow
def report_with_requests(url: str = "https://api.example.com/count") -> int:
    return call_with_requests(url)


@flow
async def report_async(url: str = "https://api.example.com/count") -> int:
    return await call_async(url)
"""


def test_blocks_from_marker_conftest_dict_and_isolation(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makeconftest(
        """
        import pytest
        from headrace.blocks.system import JSON

        @pytest.fixture
        def headrace_block_documents():
            return {"report-settings": JSON(value={"team": "data"})}
        """
    )
    user_project.makepyfile(
        """
        import pytest
        from headrace.blocks.system import JSON, Secret

        TOKEN = Secret(value="t0ken")

        @pytest.mark.headrace_blocks({"api-token": TOKEN, "json/extra": {"value": [1]}})
        def test_marker_and_conftest(headrace_blocks):
            names = ["json/extra", "json/report-settings", "secret/api-token"]
            assert list(headrace_blocks) == names
            assert Secret.load("api-token").get() == "t0ken"
            assert headrace_blocks["json/extra"].value == [1]
            assert "secret/api-token" in headrace_blocks

        def test_saved_blocks_do_not_leak(headrace_blocks):
            headrace_blocks.add("other", Secret(value="x"))
            assert len(headrace_blocks) == 2

        def test_previous_test_left_nothing(headrace_blocks):
            assert "secret/other" not in headrace_blocks

        def test_type_mismatch_is_explained(headrace_blocks):
            with pytest.raises(ValueError, match="names block type 'secret'"):
                headrace_blocks.add("secret/x", JSON(value=1))
            with pytest.raises(TypeError, match="give 'x' a Block"):
                headrace_blocks.add("x", {"value": 1})
        """
    )
    user_project.runpytest().assert_outcomes(passed=4)


def test_block_network_with_respx_and_responses(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        import httpx
        import pytest
        import responses
        from flows import report, report_async, report_with_requests
        from headrace.blocks.system import JSON, Secret

        BLOCKS = {"api-token": Secret(value="t"), "report-settings": JSON(value={})}

        @pytest.mark.headrace_blocks(BLOCKS)
        def test_respx_route_answers(headrace_blocks, headrace_block_network, respx_mock):
            route = respx_mock.get("https://api.example.com/count").mock(
                return_value=httpx.Response(200, json={"count": 3})
            )
            assert report() == {"count": 3}
            assert route.calls.last.request.headers["authorization"] == "t"

        @responses.activate
        def test_responses_route_answers(headrace_block_network):
            responses.get("https://api.example.com/count", json={"count": 5})
            assert report_with_requests() == 5

        @pytest.mark.headrace_blocks(BLOCKS)
        @pytest.mark.headrace_block_network
        def test_unrouted_httpx_call(headrace_blocks):
            report("https://unrouted.example.com/v1/count?page=2")

        @pytest.mark.headrace_block_network
        def test_unrouted_requests_call():
            report_with_requests("https://other.example.org/count")

        @pytest.mark.headrace_block_network
        async def test_unrouted_async_call():
            await report_async("https://async.example.net/count")
        """
    )
    result = user_project.runpytest()
    result.assert_outcomes(passed=2, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*RealNetworkBlocked: headrace_block_network: GET "
            "https://unrouted.example.com/v1/count?page=2"
            " was not answered by any test route*allow_hosts=?'unrouted.example.com'?)*",
            "*RealNetworkBlocked: headrace_block_network: GET https://other.example.org/count *",
            "*RealNetworkBlocked: headrace_block_network: GET https://async.example.net/count *",
        ],
        consecutive=False,
    )


def test_allowed_hosts_and_swallowed_errors(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(
        """
        import http.server
        import threading

        import httpx
        import pytest
        import requests

        @pytest.fixture
        def local_server():
            server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
            thread = threading.Thread(target=server.serve_forever)
            thread.start()
            yield f"http://127.0.0.1:{server.server_port}/"
            server.shutdown()
            thread.join()

        @pytest.mark.headrace_block_network(allow_hosts=["127.0.0.1"])
        def test_loopback_allowed(local_server):
            assert httpx.get(local_server).status_code == 200
            assert requests.get(local_server, timeout=5).status_code == 200

        def test_swallowed(headrace_block_network):
            try:
                httpx.get("https://swallowed.example.com/")
            except Exception:
                pass

        @pytest.mark.headrace_block_network(assert_none_blocked=False)
        def test_swallowed_allowed():
            try:
                httpx.get("https://swallowed.example.com/")
            except Exception:
                pass

        def test_network_restored_after_blocking():
            assert not hasattr(httpx.HTTPTransport.handle_request, "blocked")
        """
    )
    result = user_project.runpytest()
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_swallowed*",
            "*headrace_block_network: real HTTP requests were attempted (and blocked) during "
            "this test, even if the code under test caught the error: GET https://swallowed.example.com/*",
        ]
    )


def test_ini_option_blocks_every_test(
    user_project: pytest.Pytester, write_ini: Callable[..., None]
) -> None:
    write_ini("headrace_block_network = true", "headrace_allow_hosts =\n    localhost")
    user_project.makepyfile(
        """
        import httpx
        import pytest
        from headrace.testing.network import RealNetworkBlocked

        @pytest.mark.headrace_block_network(assert_none_blocked=False)
        def test_blocked_without_asking():
            with pytest.raises(RealNetworkBlocked, match="GET https://example.com/"):
                httpx.get("https://example.com/")

        def test_allowed_everywhere(headrace_block_network):
            assert headrace_block_network.allow_hosts == {"localhost"}
        """
    )
    user_project.runpytest().assert_outcomes(passed=2)
