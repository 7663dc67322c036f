"""prefect-aws imports -> what headrace_aws provides, or a TODO.

The import root (`prefect_aws` -> `headrace_aws`) is moved by `headrace migrate` for every
integration. headrace_aws keeps `headrace_aws.s3` and `headrace_aws.credentials`; other
prefect-aws modules are read from the package root, renamed tasks keep their local name
(`from prefect_aws import s3_copy as copy_objects`), and what headrace_aws does not have
(ECS, Lambda, Secrets Manager, ...) gets a TODO.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import PHASE_2X, Rule, dotted_name

#: names headrace_aws exports, importable from its root
PROVIDED = frozenset(
    {
        "AwsClientParameters",
        "AwsCredentials",
        "MinIOCredentials",
        "S3Bucket",
        "s3_copy",
        "s3_download",
        "s3_list_objects",
        "s3_move",
        "s3_upload",
    }
)
#: prefect-aws's newer task names -> headrace_aws's
RENAMED = {
    "copy_objects": "s3_copy",
    "move_objects": "s3_move",
    "list_objects": "s3_list_objects",
    "download": "s3_download",
    "upload": "s3_upload",
}
#: modules that exist in headrace_aws under the same path
KEPT_MODULES = ("prefect_aws", "prefect_aws.s3", "prefect_aws.credentials")


class PrefectAwsImports(Rule):
    code = "AWS201"
    name = "prefect-aws-imports"
    summary = "prefect_aws imports -> headrace_aws's names and modules; TODO for the rest"
    phase = PHASE_2X
    triggers = ("prefect_aws", "headrace_aws")
    todo_notes = "ECS, Batch, Lambda, Secrets Manager and other non-S3 prefect-aws features."

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        module = dotted_name(updated_node.module) if updated_node.module else ""
        root = module.split(".")[0]
        if updated_node.relative or root not in ("prefect_aws", "headrace_aws"):
            return updated_node
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        spelled = "prefect_aws" + module[len(root) :]
        names, missing = [], []
        for alias in updated_node.names:
            old = alias.name.value
            new = RENAMED.get(old, old)
            if new not in PROVIDED:
                missing.append(old)
            elif new != old:
                local = alias.asname or cst.AsName(name=cst.Name(old))
                alias = alias.with_changes(name=cst.Name(new), asname=local)
            names.append(alias)
        for old in missing:
            self.todo(
                f"{spelled}.{old} has no headrace_aws equivalent (it covers S3): replace it, "
                "or keep this code on prefect-aws"
            )
        if missing or (spelled in KEPT_MODULES and names == list(updated_node.names)):
            return updated_node.with_changes(names=names)
        return updated_node.with_changes(module=cst.Name(root), names=names)
