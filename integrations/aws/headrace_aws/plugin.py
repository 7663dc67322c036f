"""The headrace plugin of headrace-aws: its block types and migrate rules.

Cheap to import: boto3 and the blocks load only when a hook is called.
"""

from __future__ import annotations

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_block_types() -> list[type]:
    from headrace_aws import AwsCredentials, MinIOCredentials, S3Bucket

    return [AwsCredentials, MinIOCredentials, S3Bucket]


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace_aws.migrate import RULES

    return list(RULES)
