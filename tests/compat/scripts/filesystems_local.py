"""LocalFileSystem: write_path/read_path, and as a saved block for result storage."""

import pathlib
import tempfile
import uuid

from prefect import flow, task
from prefect.filesystems import LocalFileSystem

with tempfile.TemporaryDirectory() as tmp:
    fs = LocalFileSystem(basepath=tmp)
    fs.write_path("a/b.txt", b"content")
    print("read back:", fs.read_path("a/b.txt"))
    print("files:", sorted(p.name for p in pathlib.Path(tmp).rglob("*")))

with tempfile.TemporaryDirectory() as tmp:
    storage = LocalFileSystem(basepath=tmp)
    storage.save("compat-results-" + uuid.uuid4().hex[:12])

    @task(persist_result=True, result_storage=storage, result_serializer="json")
    def stored(x: int) -> dict:
        return {"x": x}

    @flow
    def pipeline() -> dict:
        return stored(3)

    print("result:", pipeline())
    print("result files written:", len([p for p in pathlib.Path(tmp).rglob("*") if p.is_file()]))
