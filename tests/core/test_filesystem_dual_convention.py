"""Filesystem blocks follow Prefect's dual calling convention: in async code their
methods return awaitables (the I/O runs in a worker thread), in sync code values; the
result store reads and writes them for their value from either."""

from __future__ import annotations

import asyncio

from headrace import flow, task
from headrace.filesystems import LocalFileSystem, RemoteFileSystem
from headrace.results import ResultRecord


def test_local_filesystem_methods_are_values_in_sync_code_and_awaitables_in_async(tmp_path):
    fs = LocalFileSystem(basepath=str(tmp_path))
    assert fs.write_path("a/b.txt", b"sync") == str(tmp_path / "a" / "b.txt")
    assert fs.read_path("a/b.txt") == b"sync"

    async def main():
        pending = fs.write_path("c.txt", b"async")
        assert asyncio.iscoroutine(pending)
        await pending
        assert await fs.read_path("c.txt") == b"async"
        assert await fs.aread_path("a/b.txt") == b"sync"
        copied = tmp_path / "copy"
        assert await fs.aput_directory(str(tmp_path / "a"), "copy") == 1
        await fs.get_directory("copy", str(tmp_path / "back"))
        return fs.read_path("c.txt", _sync=True), copied

    value, copied = asyncio.run(main())
    assert value == b"async" and (copied / "b.txt").read_bytes() == b"sync"
    assert (tmp_path / "back" / "b.txt").read_bytes() == b"sync"


def test_remote_filesystem_has_the_same_twins():
    fs = RemoteFileSystem(basepath="memory://dual-convention")

    async def main():
        await fs.write_path("x.bin", b"\x00remote")
        return await fs.read_path("x.bin")

    assert asyncio.run(main()) == b"\x00remote"
    assert fs.read_path("x.bin") == b"\x00remote"


def test_results_of_async_runs_are_written_to_and_read_from_a_storage_block(tmp_path):
    storage = LocalFileSystem(basepath=str(tmp_path))

    @task(result_storage=storage, result_storage_key="answer.json", persist_result=True)
    async def answer():
        return {"answer": 42}

    @flow(result_storage=storage)
    async def ask():
        return await answer()

    assert asyncio.run(ask()) == {"answer": 42}

    async def read_back():
        return ResultRecord.deserialize(await storage.read_path("answer.json")).result

    assert asyncio.run(read_back()) == {"answer": 42}
