"""P107: `result=LocalResult(dir=...)` -> `persist_result` + `result_storage`."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rules._task_options import TaskOptionsRule
from headrace.migrate.rules._util import kwarg, make_arg, positional, short, with_args

_RESULTS = "prefect.engine.results."


class Results(TaskOptionsRule):
    code = "P107"
    name = "task-results"
    summary = "`result=LocalResult(dir=...)` -> `persist_result=True, result_storage=...`"
    triggers = ("Result(", "result=", "target=")
    options = frozenset({"result", "target"})
    on_flows = True
    todo_notes = (
        "S3Result/GCSResult (need a credentials block), other Result classes and target= "
        "(file-based caching: use cache_key_fn or a cache policy)."
    )

    def convert(self, key: str, arg: cst.Arg) -> list[cst.Arg]:
        value = arg.value
        if key == "target":
            self.todo(
                f"target={short(value)} dropped: file-based caching is a cache_key_fn or "
                "cache policy now"
            )
            return []
        persist = make_arg("persist_result", cst.Name("True"))
        kind = (self.qualname(value.func) or "") if isinstance(value, cst.Call) else ""
        kind = (
            kind.rpartition(".")[2]
            if kind.startswith(_RESULTS) or kind.startswith("prefect.engine.result")
            else ""
        )
        if kind == "PrefectResult":
            return [persist]
        if kind == "LocalResult":
            folder = kwarg(value, "dir") or positional(value, 0)
            self.add_import("prefect.filesystems", "LocalFileSystem")
            storage = cst.Call(func=cst.Name("LocalFileSystem"))
            if folder is not None:
                storage = with_args(storage, [make_arg("basepath", folder.value)])
            return [persist, make_arg("result_storage", storage)]
        if kind in ("S3Result", "GCSResult"):
            module, block, field = (
                ("prefect_aws", "S3Bucket", "bucket_name")
                if kind == "S3Result"
                else ("prefect_gcp", "GcsBucket", "bucket")
            )
            bucket = kwarg(value, "bucket") or positional(value, 0)
            self.add_import(module, block)
            storage = cst.Call(func=cst.Name(block))
            if bucket is not None:
                storage = with_args(storage, [make_arg(field, bucket.value)])
            self.todo(f"{kind} became a {block} block: give it credentials (save it as a block)")
            return [persist, make_arg("result_storage", storage)]
        self.todo(f"result={short(value)} dropped: choose a result_storage block")
        return []
