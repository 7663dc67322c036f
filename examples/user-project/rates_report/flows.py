"""Fetch exchange rates, convert a portfolio and summarise it.

The API token comes from a Secret block; the list of currencies is cached for a day;
rate requests are retried, with growing delays, when the API has a bad moment.
"""

from __future__ import annotations

import asyncio
import datetime

import httpx

from headrace import flow, get_run_logger, task
from headrace.blocks.system import Secret
from headrace.cache_policies import INPUTS

API_URL = "https://rates.example.com/v1"


def _headers() -> dict[str, str]:
    # shared by sync and async tasks: `_sync=True` asks for the block itself even inside
    # an async task, where a plain `Secret.load(...)` returns an awaitable (as in Prefect 3)
    token = Secret.load("rates-api-token", _sync=True).get()
    return {"authorization": f"Bearer {token}"}


@task(cache_policy=INPUTS, cache_expiration=datetime.timedelta(days=1))
def supported_currencies(base: str) -> list[str]:
    """Changes rarely, so one call a day is enough."""
    response = httpx.get(f"{API_URL}/currencies", params={"base": base}, headers=_headers())
    response.raise_for_status()
    return sorted(response.json()["currencies"])


@task(retries=3, retry_delay_seconds=[2, 10, 60])
def fetch_rate(base: str, currency: str) -> float:
    response = httpx.get(f"{API_URL}/rates/{base}/{currency}", headers=_headers())
    response.raise_for_status()
    return float(response.json()["rate"])


@task
def convert(holdings: dict[str, float], rates: dict[str, float]) -> float:
    """Value of the holdings in the base currency."""
    missing = sorted(set(holdings) - set(rates))
    if missing:
        raise KeyError(f"no rate for {', '.join(missing)}")
    return round(sum(amount / rates[currency] for currency, amount in holdings.items()), 2)


@flow(log_prints=True)
def portfolio_value(holdings: dict[str, float], base: str = "EUR") -> float:
    """Value a portfolio of foreign-currency holdings in `base`."""
    logger = get_run_logger()
    currencies = [c for c in supported_currencies(base) if c in holdings]
    rates = {currency: fetch_rate(base, currency) for currency in currencies}
    total = convert(holdings, rates)
    logger.info("portfolio is worth %.2f %s", total, base)
    return total


@task
async def fetch_rate_async(client: httpx.AsyncClient, base: str, currency: str) -> float:
    response = await client.get(f"{API_URL}/rates/{base}/{currency}", headers=_headers())
    response.raise_for_status()
    return float(response.json()["rate"])


@flow
async def rate_board(base: str, currencies: list[str]) -> dict[str, float]:
    """All rates at once, for a dashboard."""
    async with httpx.AsyncClient() as client:
        rates = await asyncio.gather(
            *(fetch_rate_async(client, base, currency) for currency in currencies)
        )
    return dict(zip(currencies, rates, strict=True))
