"""P209: `S3Bucket` options renamed in prefect-aws (`aws_credentials` -> `credentials`, ...)."""

from __future__ import annotations

from headrace.migrate.rule import PHASE_2X, Rule
from headrace.migrate.rules._util import make_arg, short, with_args

_S3 = {"prefect_aws.S3Bucket", "prefect_aws.s3.S3Bucket"}
_RENAMES = {
    "aws_credentials": "credentials",
    "minio_credentials": "credentials",
    "basepath": "bucket_folder",
}


class S3BucketOptions(Rule):
    code = "P209"
    name = "s3-bucket-options"
    summary = "`S3Bucket(aws_credentials=, basepath=)` -> `S3Bucket(credentials=, bucket_folder=)`"
    phase = PHASE_2X
    triggers = ("S3Bucket",)
    todo_notes = "endpoint_url= (set it on the credentials' aws_client_parameters)."

    def leave_Call(self, original_node, updated_node):
        if self.qualname(updated_node.func) not in _S3:
            return updated_node
        args, changed = [], False
        for arg in updated_node.args:
            key = arg.keyword.value if arg.keyword else None
            if key in _RENAMES:
                args.append(make_arg(_RENAMES[key], arg.value).with_changes(comma=arg.comma))
                changed = True
            elif key == "endpoint_url":
                self.todo(
                    f"endpoint_url={short(arg.value)}: set it in the credentials' "
                    "aws_client_parameters"
                )
                changed = True
            else:
                args.append(arg)
        return with_args(updated_node, args) if changed else updated_node
