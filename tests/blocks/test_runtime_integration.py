"""Blocks inside flows: storage blocks as `result_storage=`, secrets kept out of run records."""

from __future__ import annotations

from pathlib import Path

import pytest

from headrace import flow, task
from headrace.blocks.system import Secret
from headrace.filesystems import LocalFileSystem, RemoteFileSystem
from headrace.store import get_store

PLAIN = "run-record-secret-value"


def _store_bytes(home: Path) -> bytes:
    get_store().flush()
    return b"".join(p.read_bytes() for p in home.iterdir() if p.name.startswith("headrace.db"))


def test_a_saved_local_file_system_as_result_storage_by_reference(tmp_path: Path) -> None:
    LocalFileSystem(basepath=str(tmp_path / "results")).save("results")

    @task(persist_result=True, result_storage="local-file-system/results")
    def double(x: int) -> int:
        return x * 2

    @flow
    def pipeline() -> int:
        return double(21)

    assert pipeline() == 42
    assert len(list((tmp_path / "results").iterdir())) == 1


def test_a_remote_file_system_block_as_result_storage() -> None:
    storage = RemoteFileSystem(basepath="memory://headrace-tests/integration-results")

    @task(persist_result=True, result_storage=storage)
    def greet(name: str) -> str:
        return f"hello {name}"

    @flow
    def pipeline() -> str:
        return greet("blocks")

    assert pipeline() == "hello blocks"
    assert storage.filesystem.find(storage.basepath)


def test_secrets_stay_out_of_run_records_logs_and_failure_messages(headrace_home: Path) -> None:
    Secret(value=PLAIN).save("token")

    @task
    def use(secret: Secret) -> None:
        raise ValueError(f"refused credentials {secret}")

    @flow
    def pipeline(secret: Secret) -> None:
        use(secret)

    with pytest.raises(ValueError) as info:
        pipeline(Secret.load("token"))
    assert PLAIN not in str(info.value) and "**********" in str(info.value)
    assert PLAIN.encode() not in _store_bytes(headrace_home)
    recorded = get_store().database.query("SELECT parameters FROM flow_runs")[0]["parameters"]
    assert "secret" in recorded and "**********" in recorded  # recorded, masked
