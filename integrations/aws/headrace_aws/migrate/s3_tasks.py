"""Prefect 1.x `S3Upload/S3Download/S3List(...)` -> `partial(s3_upload, ...)`.

A 1.x task class is configured once (`S3Upload(bucket="raw")`) and called in the flow
with the rest (`upload(data=..., key=...)`). A `partial` of the matching task keeps
both working: the call's keywords (`data`, `key`, `prefix`, ...) have the same names.
1.x read credentials from the `AWS_CREDENTIALS` secret; the partial gets an
`AwsCredentials()` (boto3's own lookup) and a TODO to use a saved block instead.
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

_MODULES = ("prefect.tasks.aws.s3", "prefect.tasks.aws")
#: 1.x class -> the task replacing it
_TASKS = {"S3Upload": "s3_upload", "S3Download": "s3_download", "S3List": "s3_list_objects"}


class S3TaskClasses(Rule):
    code = "AWS101"
    name = "s3-task-classes"
    summary = "1.x `S3Upload/S3Download/S3List(bucket=...)` -> `partial(s3_upload, bucket=...)`"
    phase = PHASE_1X_STRUCTURE
    triggers = ("S3Upload", "S3Download", "S3List")
    todo_notes = (
        "credentials (1.x used the AWS_CREDENTIALS secret: save an AwsCredentials block), "
        "boto_kwargs, call-time credentials=/compression=/partition=, S3Download's text "
        "result (bytes now)."
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
        parts = [_TASKS[cls]]
        for index, arg in enumerate(updated_node.args):
            key = arg.keyword.value if arg.keyword else ("bucket" if index == 0 else None)
            if arg.star or key is None:
                self.todo(f"{cls} argument {source_of(arg)}: pass it when calling the task")
            elif key == "bucket":
                parts.append(f"bucket={source_of(arg.value)}")
            elif key == "boto_kwargs":
                self.todo(
                    f"boto_kwargs={source_of(arg.value)}: set them as AwsClientParameters on the "
                    "credentials block (aws_client_parameters=...)"
                )
            else:
                self.todo(
                    f"task option {key}=: use {_TASKS[cls]}.with_options({key}=...) in the partial"
                )
        parts.append("aws_credentials=AwsCredentials()")
        if not self._credentials_noted:  # once per file
            self._credentials_noted = True
            self.todo(
                "1.x read the AWS_CREDENTIALS secret: save an AwsCredentials block and pass "
                'AwsCredentials.load("name") instead of AwsCredentials()'
            )
        if cls == "S3Download":
            self.todo("s3_download returns bytes (1.x returned text): .decode() it for text")
        self.add_import("functools", "partial")
        self.add_import("prefect_aws", "AwsCredentials")
        self.add_import("prefect_aws", _TASKS[cls])
        return cst.parse_expression(f"partial({', '.join(parts)})")
