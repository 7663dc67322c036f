"""Shared test setup: the API token every test starts with, and the fake rates API."""

from __future__ import annotations

import httpx
import pytest
import respx

from headrace.blocks.system import Secret

RATES = {"USD": 1.25, "GBP": 0.8, "JPY": 160.0}


@pytest.fixture
def headrace_block_documents() -> dict[str, Secret]:
    """Saved for every test that uses the `headrace_blocks` fixture."""
    return {"rates-api-token": Secret(value="test-token")}


@pytest.fixture
def rates_api(headrace_blocks: object, respx_mock: respx.MockRouter) -> respx.MockRouter:
    """The rates API, answered by respx routes (anything else is blocked)."""
    api = "https://rates.example.com/v1"
    respx_mock.get(f"{api}/currencies").mock(
        return_value=httpx.Response(200, json={"currencies": list(RATES)})
    )
    for currency, rate in RATES.items():
        respx_mock.get(f"{api}/rates/EUR/{currency}", name=currency).mock(
            return_value=httpx.Response(200, json={"rate": rate})
        )
    return respx_mock
