"""The PostgreSQL store's connection pool: however many threads read, at most
`HEADRACE_DATABASE_POOL_SIZE` connections serve them; the others wait their turn."""

from __future__ import annotations

import threading
import time

import pytest

from headrace.store import open_store


def test_threads_share_a_bounded_pool(postgres_url, monkeypatch):
    monkeypatch.setenv("HEADRACE_DATABASE_POOL_SIZE", "2")
    store = open_store(postgres_url)
    try:
        database = store.database
        errors: list[BaseException] = []

        def read() -> None:
            try:
                database.query("SELECT pg_sleep(0.2) AS slept")
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=read) for _ in range(8)]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        took = time.monotonic() - start
        assert not errors
        # eight 0.2 s reads through two connections take four rounds at least
        assert took >= 0.8
        assert len(database._connections) <= 2
        # a transaction and a read inside it share one connection (no second slot)
        with database.transaction() as tx:
            tx.query("SELECT 1 AS one")
            assert database.query("SELECT 2 AS two") == [{"two": 2}]
    finally:
        store.close()


def test_a_bad_pool_size_is_a_clear_error(postgres_url, monkeypatch):
    monkeypatch.setenv("HEADRACE_DATABASE_POOL_SIZE", "many")
    with pytest.raises(ValueError, match="HEADRACE_DATABASE_POOL_SIZE must be a whole number"):
        open_store(postgres_url)
