"""`GcpCredentials`: a service account (key file or key content) and a project, as in
prefect-gcp. Without a key, Google's own lookup applies (application default
credentials), or anonymous access when `STORAGE_EMULATOR_HOST` points at an emulator."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from headrace.blocks.core import Block
from headrace.blocks.fields import SecretDict

__all__ = ["GcpCredentials", "InvalidGcpCredentials"]

# storage clients by field values; module-level so that blocks stay picklable
_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()


class InvalidGcpCredentials(ValueError):
    """The service account key cannot be used (missing file, wrong format)."""


class GcpCredentials(Block):
    """Credentials for Google Cloud: a service account key file, or its JSON content.

    Example:
        GcpCredentials(service_account_info=json.load(open("key.json"))).save("prod")
    """

    _block_type_name = "GCP Credentials"

    service_account_file: Path | None = Field(
        default=None, description="Path to a service account key file (JSON)."
    )
    service_account_info: SecretDict | None = Field(
        default=None, description="The content of a service account key (values are masked)."
    )
    project: str | None = Field(default=None, description="The project to use by default.")

    @model_validator(mode="after")
    def _one_key_source(self) -> GcpCredentials:
        if self.service_account_file is not None and self.service_account_info is not None:
            raise ValueError("give service_account_file or service_account_info, not both")
        return self

    def get_credentials_from_service_account(self) -> Any:
        """google-auth credentials from the key, or None when no key is configured."""
        from google.oauth2 import service_account

        if self.service_account_file is not None:
            path = self.service_account_file.expanduser()
            if not path.is_file():
                raise InvalidGcpCredentials(f"service_account_file {str(path)!r} does not exist")
            try:
                return service_account.Credentials.from_service_account_file(str(path))
            except ValueError as exc:
                raise InvalidGcpCredentials(
                    f"service_account_file {str(path)!r} is not a usable service account key: {exc}"
                ) from None
        if self.service_account_info is not None:
            try:
                return service_account.Credentials.from_service_account_info(
                    self.service_account_info.get_secret_value()
                )
            except ValueError as exc:  # google's message names missing fields, never values
                raise InvalidGcpCredentials(
                    f"service_account_info is not a usable service account key: {exc}"
                ) from None
        return None

    def get_cloud_storage_client(self, project: str | None = None) -> Any:
        """A google-cloud-storage Client; reused for equal credentials and project."""
        project = project or self.project or self._key_project()
        key = (project, os.environ.get("STORAGE_EMULATOR_HOST"), self._cache_key())
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                from google.auth.exceptions import DefaultCredentialsError
                from google.cloud import storage

                credentials = self.get_credentials_from_service_account()
                try:
                    client = storage.Client(project=project, credentials=credentials)
                except DefaultCredentialsError:
                    raise InvalidGcpCredentials(
                        "no Google credentials were found: set service_account_file or "
                        "service_account_info on the GcpCredentials block, or log in with "
                        "`gcloud auth application-default login`"
                    ) from None
                _clients[key] = client
            return client

    def _key_project(self) -> str | None:
        if self.service_account_info is not None:
            return self.service_account_info.get_secret_value().get("project_id")
        return None

    def _cache_key(self) -> tuple[Any, ...]:
        info = self.service_account_info
        return (
            str(self.service_account_file),
            json.dumps(info.get_secret_value(), sort_keys=True) if info is not None else None,
            self.project,
        )
