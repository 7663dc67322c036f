"""prefect-gcp imports -> what headrace_gcp provides, or a TODO.

The import root (`prefect_gcp` -> `headrace_gcp`) is moved by `headrace migrate` for every
integration. headrace_gcp keeps `headrace_gcp.cloud_storage` and
`headrace_gcp.credentials`; other prefect-gcp modules are read from the package root, and
what headrace_gcp does not have (BigQuery, Secret Manager, Cloud Run, ...) gets a TODO.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import PHASE_2X, Rule, dotted_name

#: names headrace_gcp exports, importable from its root
PROVIDED = frozenset(
    {
        "GcpCredentials",
        "GcsBucket",
        "cloud_storage_copy_blob",
        "cloud_storage_create_bucket",
        "cloud_storage_download_blob_as_bytes",
        "cloud_storage_download_blob_to_file",
        "cloud_storage_upload_blob_from_file",
        "cloud_storage_upload_blob_from_string",
    }
)
#: modules that exist in headrace_gcp under the same path
KEPT_MODULES = ("prefect_gcp", "prefect_gcp.cloud_storage", "prefect_gcp.credentials")


class PrefectGcpImports(Rule):
    code = "GCP201"
    name = "prefect-gcp-imports"
    summary = "prefect_gcp imports -> headrace_gcp's names and modules; TODO for the rest"
    phase = PHASE_2X
    triggers = ("prefect_gcp", "headrace_gcp")
    todo_notes = "BigQuery, Secret Manager, Cloud Run, Vertex AI and other non-GCS features."

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        module = dotted_name(updated_node.module) if updated_node.module else ""
        root = module.split(".")[0]
        if updated_node.relative or root not in ("prefect_gcp", "headrace_gcp"):
            return updated_node
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        spelled = "prefect_gcp" + module[len(root) :]
        missing = [a.name.value for a in updated_node.names if a.name.value not in PROVIDED]
        for name in missing:
            self.todo(
                f"{spelled}.{name} has no headrace_gcp equivalent (it covers Cloud Storage): "
                "replace it, or keep this code on prefect-gcp"
            )
        if missing or spelled in KEPT_MODULES:
            return updated_node
        return updated_node.with_changes(module=cst.Name(root))
