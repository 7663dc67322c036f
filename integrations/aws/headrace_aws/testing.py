"""pytest fixtures for code that talks to S3: a real S3 API on 127.0.0.1 (moto's server).

Installed with `headrace-aws[testing]` and loaded by pytest through the `pytest11` entry
point. `headrace_s3_server` starts one server per test session (per xdist worker);
`headrace_s3_credentials` points an `AwsCredentials` block at it; `headrace_s3_bucket`
creates a fresh, empty bucket for each test and returns an `S3Bucket` block for it. (The
names before the `headrace_` prefix, `moto_server`, `s3_credentials` and `s3_bucket`, work
with a DeprecationWarning until headrace 0.3.) Outside pytest (a demo
script), `with local_s3_server() as endpoint_url:` runs the same server.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from headrace.testing.pytest_plugin import deprecated_fixture

if TYPE_CHECKING:  # imported in the fixtures, so that pytest's start stays cheap
    from headrace_aws.credentials import AwsCredentials
    from headrace_aws.s3 import S3Bucket

#: keys the fake server accepts; they are not real credentials
TEST_ACCESS_KEY_ID = "testing-access-key"
TEST_SECRET_ACCESS_KEY = "testing-secret-key"


@contextmanager
def local_s3_server() -> Iterator[str]:
    """Run moto's S3 server on 127.0.0.1 (a free port) and give its endpoint URL; also
    usable outside pytest, e.g. in a demo script."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def headrace_s3_server() -> Iterator[str]:
    """The endpoint URL of a moto S3 server on 127.0.0.1 (a free port), for the session."""
    with local_s3_server() as url:
        yield url


@pytest.fixture
def headrace_s3_credentials(headrace_s3_server: str) -> AwsCredentials:
    """An AwsCredentials block for the moto server (test keys, us-east-1)."""
    from headrace_aws.credentials import AwsClientParameters, AwsCredentials

    return AwsCredentials(
        aws_access_key_id=TEST_ACCESS_KEY_ID,
        aws_secret_access_key=TEST_SECRET_ACCESS_KEY,
        region_name="us-east-1",
        aws_client_parameters=AwsClientParameters(endpoint_url=headrace_s3_server),
    )


@pytest.fixture
def headrace_s3_bucket(headrace_s3_credentials: AwsCredentials) -> Iterator[S3Bucket]:
    """A new empty bucket on the moto server, as an S3Bucket block; emptied and removed
    after the test."""
    from headrace_aws.s3 import S3Bucket

    name = f"test-{uuid.uuid4().hex[:20]}"
    client = headrace_s3_credentials.get_s3_client()
    client.create_bucket(Bucket=name)
    yield S3Bucket(bucket_name=name, credentials=headrace_s3_credentials)
    for item in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


_moto_server = deprecated_fixture("moto_server", "headrace_s3_server", "session")
_s3_credentials = deprecated_fixture("s3_credentials", "headrace_s3_credentials")
_s3_bucket = deprecated_fixture("s3_bucket", "headrace_s3_bucket")
