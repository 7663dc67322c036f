"""headrace-aws: S3 storage blocks and tasks for headrace, following prefect-aws's API."""

from importlib.metadata import version

from headrace.utilities.lazy import lazy_exports

__version__ = version("headrace-aws")  # written once, in pyproject.toml

# names resolve on first use, so finding this plugin does not import the client library
__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "AwsClientParameters": "headrace_aws.credentials",
        "AwsCredentials": "headrace_aws.credentials",
        "BucketNotFound": "headrace_aws.errors",
        "MinIOCredentials": "headrace_aws.credentials",
        "S3AccessDenied": "headrace_aws.errors",
        "S3Bucket": "headrace_aws.s3",
        "s3_copy": "headrace_aws.tasks",
        "s3_download": "headrace_aws.tasks",
        "s3_list_objects": "headrace_aws.tasks",
        "s3_move": "headrace_aws.tasks",
        "s3_upload": "headrace_aws.tasks",
    },
)
