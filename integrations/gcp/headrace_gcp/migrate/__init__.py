"""`headrace migrate` rules for legacy Cloud Storage code, one module per rule,
registered through the plugin hook (`RULES`)."""

from headrace_gcp.migrate.gcs_tasks import GcsTaskClasses
from headrace_gcp.migrate.prefect_gcp import PrefectGcpImports

RULES = (GcsTaskClasses, PrefectGcpImports)

__all__ = ["GcsTaskClasses", "PrefectGcpImports", "RULES"]
