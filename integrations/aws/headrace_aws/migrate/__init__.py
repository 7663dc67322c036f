"""`headrace migrate` rules for legacy S3 code, registered through the plugin hook."""

from headrace_aws.migrate.aws101_s3_tasks import S3TaskClasses
from headrace_aws.migrate.aws201_prefect_aws import PrefectAwsImports

RULES = (S3TaskClasses, PrefectAwsImports)

__all__ = ["RULES", "PrefectAwsImports", "S3TaskClasses"]
