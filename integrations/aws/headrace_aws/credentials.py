"""Credentials blocks for AWS and S3-compatible stores (MinIO), as in prefect-aws.

Both hand out boto3 sessions and clients. Clients are cached per block value, because
creating one costs tens of milliseconds and result storage asks for one on every read.
"""

from __future__ import annotations

import abc
import threading
from typing import Any

from pydantic import BaseModel, Field, SecretStr

from headrace.blocks.core import Block

__all__ = ["AwsClientParameters", "AwsCredentials", "MinIOCredentials"]

# clients by (block type, client type, field values); module-level so blocks stay picklable
_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()


class AwsClientParameters(BaseModel):
    """Options for the boto3 client itself: where to connect and how."""

    api_version: str | None = Field(default=None, description="The API version to use.")
    use_ssl: bool = Field(default=True, description="Whether to use SSL.")
    verify: bool | str = Field(
        default=True, description="Verify TLS certificates; a path names a CA bundle."
    )
    endpoint_url: str | None = Field(
        default=None,
        description="The service URL, e.g. a MinIO server or a local test server.",
    )
    config: dict[str, Any] | None = Field(
        default=None, description="Keyword arguments for botocore's Config (retries, ...)."
    )

    def get_params_override(self) -> dict[str, Any]:
        """Keyword arguments for `session.client(...)`; unset options are left out."""
        params: dict[str, Any] = {"use_ssl": self.use_ssl, "verify": self.verify}
        if self.api_version is not None:
            params["api_version"] = self.api_version
        if self.endpoint_url is not None:
            params["endpoint_url"] = self.endpoint_url
        if self.config:
            from botocore.config import Config

            params["config"] = Config(**self.config)
        return params


class _BotoCredentials(Block, abc.ABC):
    """What both credentials blocks share: client options and cached clients."""

    aws_client_parameters: AwsClientParameters = Field(
        default_factory=AwsClientParameters,
        description="Options for the boto3 client (endpoint_url, verify, config, ...).",
    )

    @abc.abstractmethod
    def get_boto3_session(self) -> Any:
        """A boto3 Session from these credentials."""

    def get_client(self, client_type: str) -> Any:
        """A boto3 client (`"s3"`, `"sts"`, ...) configured from this block."""
        key = (type(self), client_type, self._cache_key())
        with _clients_lock:  # boto3 sessions are not thread-safe while creating clients
            client = _clients.get(key)
            if client is None:
                params = self.aws_client_parameters.get_params_override()
                client = self.get_boto3_session().client(client_type, **params)
                _clients[key] = client
            return client

    def get_s3_client(self) -> Any:
        """The S3 client (what S3Bucket uses)."""
        return self.get_client("s3")

    def _cache_key(self) -> tuple[Any, ...]:
        values = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            elif isinstance(value, BaseModel):
                value = value.model_dump_json()
            values.append(value)
        return tuple(values)


class AwsCredentials(_BotoCredentials):
    """Credentials for AWS: keys, a profile, or nothing (boto3's own lookup chain).

    Example:
        AwsCredentials(aws_access_key_id="AKIA...", aws_secret_access_key="...").save("prod")
    """

    _block_type_name = "AWS Credentials"

    aws_access_key_id: str | None = Field(default=None, description="The access key id.")
    aws_secret_access_key: SecretStr | None = Field(
        default=None, description="The secret access key."
    )
    aws_session_token: SecretStr | None = Field(
        default=None, description="A session token, for temporary credentials."
    )
    profile_name: str | None = Field(default=None, description="A profile in ~/.aws/config.")
    region_name: str | None = Field(default=None, description="The AWS region, e.g. us-east-1.")

    def get_boto3_session(self) -> Any:
        """A boto3 Session from these credentials."""
        import boto3

        return boto3.Session(
            aws_access_key_id=self.aws_access_key_id,
            aws_secret_access_key=_reveal(self.aws_secret_access_key),
            aws_session_token=_reveal(self.aws_session_token),
            profile_name=self.profile_name,
            region_name=self.region_name,
        )


class MinIOCredentials(_BotoCredentials):
    """Credentials for a MinIO server (or any S3-compatible store with root keys).

    Set the server's address as `aws_client_parameters={"endpoint_url": ...}`.
    """

    _block_type_name = "MinIO Credentials"

    minio_root_user: str = Field(description="The MinIO user (access key).")
    minio_root_password: SecretStr = Field(description="The MinIO password (secret key).")
    region_name: str | None = Field(default=None, description="The region, if any.")

    def get_boto3_session(self) -> Any:
        """A boto3 Session that signs with the MinIO user and password."""
        import boto3

        return boto3.Session(
            aws_access_key_id=self.minio_root_user,
            aws_secret_access_key=self.minio_root_password.get_secret_value(),
            region_name=self.region_name,
        )


def _reveal(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None
