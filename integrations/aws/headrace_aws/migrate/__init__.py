"""`headrace migrate` rules for legacy S3 code, one module per rule, registered through the
plugin hook (`RULES`)."""

from headrace_aws.migrate.prefect_aws import PrefectAwsImports
from headrace_aws.migrate.s3_tasks import S3TaskClasses

RULES = (S3TaskClasses, PrefectAwsImports)

__all__ = ["PrefectAwsImports", "RULES", "S3TaskClasses"]
