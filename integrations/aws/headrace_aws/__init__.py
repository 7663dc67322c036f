"""headrace-aws: S3 storage blocks and tasks for headrace, following prefect-aws's API."""

from headrace_aws.credentials import AwsClientParameters, AwsCredentials, MinIOCredentials
from headrace_aws.errors import BucketNotFound, S3AccessDenied
from headrace_aws.s3 import S3Bucket
from headrace_aws.tasks import s3_copy, s3_download, s3_list_objects, s3_move, s3_upload

__all__ = [
    "AwsClientParameters",
    "AwsCredentials",
    "BucketNotFound",
    "MinIOCredentials",
    "S3AccessDenied",
    "S3Bucket",
    "s3_copy",
    "s3_download",
    "s3_list_objects",
    "s3_move",
    "s3_upload",
]
