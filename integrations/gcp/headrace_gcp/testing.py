"""pytest fixtures for code that talks to Cloud Storage: gcp-storage-emulator on 127.0.0.1.

Installed with `headrace-gcp[testing]` and loaded by pytest through the `pytest11` entry
point. `headrace_gcs_server` starts one in-memory emulator per test session (per xdist
worker) and sets `STORAGE_EMULATOR_HOST`, which google-cloud-storage reads when a client is
made (clients then use anonymous credentials); `headrace_gcs_credentials` is a
GcpCredentials block for it; `headrace_gcs_bucket` creates a fresh, empty bucket for each
test as a GcsBucket block. (The names before the `headrace_` prefix, `gcs_emulator`,
`gcs_credentials` and `gcs_bucket`, work with a DeprecationWarning until headrace 0.3.)
Outside pytest (a demo script), `with local_gcs_emulator() as url:` runs the same emulator.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from headrace.testing.pytest_plugin import deprecated_fixture

if TYPE_CHECKING:  # imported in the fixtures, so that pytest's start stays cheap
    from headrace_gcp.cloud_storage import GcsBucket
    from headrace_gcp.credentials import GcpCredentials

TEST_PROJECT = "headrace-test"


@contextmanager
def local_gcs_emulator() -> Iterator[str]:
    """Run an in-memory GCS emulator on 127.0.0.1 (a free port) and give its URL, with
    `STORAGE_EMULATOR_HOST` pointing at it meanwhile; also usable outside pytest."""
    from gcp_storage_emulator.server import create_server

    logging.getLogger("gcp_storage_emulator").setLevel(logging.WARNING)
    server = create_server("127.0.0.1", 0, in_memory=True)
    server.start()
    host, port = server._api._httpd.server_address[:2]  # the emulator has no public getter
    url = f"http://{host}:{port}"
    previous = os.environ.get("STORAGE_EMULATOR_HOST")
    os.environ["STORAGE_EMULATOR_HOST"] = url
    try:
        yield url
    finally:
        server.stop()
        if previous is None:
            os.environ.pop("STORAGE_EMULATOR_HOST", None)
        else:
            os.environ["STORAGE_EMULATOR_HOST"] = previous


@pytest.fixture(scope="session")
def headrace_gcs_server() -> Iterator[str]:
    """The URL of an in-memory GCS emulator on 127.0.0.1 (a free port), for the session;
    `STORAGE_EMULATOR_HOST` points at it meanwhile."""
    with local_gcs_emulator() as url:
        yield url


@pytest.fixture
def headrace_gcs_credentials(headrace_gcs_server: str) -> GcpCredentials:
    """A GcpCredentials block for the emulator: no key, a test project."""
    from headrace_gcp.credentials import GcpCredentials

    return GcpCredentials(project=TEST_PROJECT)


@pytest.fixture
def headrace_gcs_bucket(headrace_gcs_credentials: GcpCredentials) -> Iterator[GcsBucket]:
    """A new empty bucket on the emulator, as a GcsBucket block; removed after the test."""
    from headrace_gcp.cloud_storage import GcsBucket

    name = f"test-{uuid.uuid4().hex[:20]}"
    client = headrace_gcs_credentials.get_cloud_storage_client()
    client.create_bucket(name)
    yield GcsBucket(bucket=name, gcp_credentials=headrace_gcs_credentials)
    client.bucket(name).delete(force=True)


_gcs_emulator = deprecated_fixture("gcs_emulator", "headrace_gcs_server", "session")
_gcs_credentials = deprecated_fixture("gcs_credentials", "headrace_gcs_credentials")
_gcs_bucket = deprecated_fixture("gcs_bucket", "headrace_gcs_bucket")
