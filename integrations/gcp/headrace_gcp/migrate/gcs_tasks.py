"""Prefect 1.x `GCSUpload/GCSDownload/GCSCopy(...)` -> `partial(cloud_storage_..., ...)`.

A 1.x task class is configured once (`GCSUpload(bucket="raw", blob="x")`) and called in
the flow with the rest (`upload(data=...)`). A `partial` of the matching task keeps both
working: the keywords (`data`, `bucket`, `blob`, `project`, ...) have the same names.
1.x read credentials from the `GCP_CREDENTIALS` secret; the partial gets a
`GcpCredentials()` (Google's default credentials) and a TODO to use a saved block.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import (
    PHASE_1X_STRUCTURE,
    FileContext,
    Rule,
    dotted_name,
    keep_import_names,
    source_of,
)

_MODULES = ("prefect.tasks.gcp.storage", "prefect.tasks.gcp")
#: 1.x class -> (task replacing it, its positional parameters kept as keywords)
_TASKS = {
    "GCSUpload": ("cloud_storage_upload_blob_from_string", ("bucket", "blob", "project")),
    "GCSDownload": ("cloud_storage_download_blob_as_bytes", ("bucket", "blob", "project")),
    "GCSCopy": (
        "cloud_storage_copy_blob",
        ("source_bucket", "source_blob", "dest_bucket", "dest_blob", "project"),
    ),
}


class GcsTaskClasses(Rule):
    code = "GCP101"
    name = "gcs-task-classes"
    summary = "1.x `GCSUpload/GCSDownload/GCSCopy(bucket=...)` -> `partial(cloud_storage_..., ...)`"
    phase = PHASE_1X_STRUCTURE
    triggers = ("GCSUpload", "GCSDownload", "GCSCopy")
    todo_notes = (
        "credentials (1.x used the GCP_CREDENTIALS secret: save a GcpCredentials block), "
        "create_bucket, encryption keys, request_timeout, GCSDownload's text result."
    )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._credentials_noted = False

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        module = dotted_name(updated_node.module) if updated_node.module else None
        if updated_node.relative or module not in _MODULES:
            return updated_node
        return keep_import_names(updated_node, lambda a: a.name.value not in _TASKS)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        qualname = self.qualname(updated_node.func) or ""
        module, _, cls = qualname.rpartition(".")
        if module not in _MODULES or cls not in _TASKS:
            return updated_node
        task_name, positional = _TASKS[cls]
        parts = [task_name]
        for index, arg in enumerate(updated_node.args):
            if arg.keyword is not None:
                key = arg.keyword.value
            else:
                key = positional[index] if index < len(positional) and not arg.star else None
            if key is None:
                self.todo(f"{cls} argument {source_of(arg)}: pass it when calling the task")
            elif key in positional:
                parts.append(f"{key}={source_of(arg.value)}")
            else:
                self.todo(f"{cls}({key}=...) has no equivalent in {task_name}: handle it by hand")
        parts.append("gcp_credentials=GcpCredentials()")
        if not self._credentials_noted:  # once per file
            self._credentials_noted = True
            self.todo(
                "1.x read the GCP_CREDENTIALS secret: save a GcpCredentials block and pass "
                'GcpCredentials.load("name") instead of GcpCredentials()'
            )
        if cls == "GCSDownload":
            self.todo(f"{task_name} returns bytes (1.x returned text): .decode() it for text")
        self.add_import("functools", "partial")
        self.add_import("prefect_gcp", "GcpCredentials")
        self.add_import("prefect_gcp", task_name)
        return cst.parse_expression(f"partial({', '.join(parts)})")
