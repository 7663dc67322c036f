"""`headrace migrate` rules for legacy Cloud Storage code, registered through the plugin hook."""

from headrace_gcp.migrate.gcp101_gcs_tasks import GcsTaskClasses
from headrace_gcp.migrate.gcp201_prefect_gcp import PrefectGcpImports

RULES = (GcsTaskClasses, PrefectGcpImports)

__all__ = ["RULES", "GcsTaskClasses", "PrefectGcpImports"]
