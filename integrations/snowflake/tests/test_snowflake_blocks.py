"""SnowflakeCredentials and SnowflakeConnector as blocks: stored, masked, validated."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError

from headrace.blocks.core import Block
from headrace_snowflake import SnowflakeConfigError, SnowflakeConnector, SnowflakeCredentials

PASSWORD = "pw-very-secret-4711"
PASSPHRASE = "phrase-very-secret-0815"


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key, passphrase: str | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def _der(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def test_connector_with_nested_credentials_round_trips(headrace_harness):
    credentials = SnowflakeCredentials(account="xy123", user="etl", password=PASSWORD, role="r")
    SnowflakeConnector(
        credentials=credentials, database="analytics", warehouse="wh", schema="raw"
    ).save("warehouse")

    loaded = Block.load("snowflake-connector/warehouse")

    assert isinstance(loaded, SnowflakeConnector)
    assert (loaded.database, loaded.warehouse, loaded.schema_) == ("analytics", "wh", "raw")
    assert loaded.credentials.password.get_secret_value() == PASSWORD
    stored = b"".join(p.read_bytes() for p in headrace_harness.home.rglob("*") if p.is_file())
    assert PASSWORD.encode() not in stored


def test_secrets_are_masked_everywhere_they_are_shown(rsa_key):
    credentials = SnowflakeCredentials(
        account="a",
        user="u",
        private_key=_pem(rsa_key, PASSPHRASE),
        private_key_passphrase=PASSPHRASE,
    )
    connector = SnowflakeConnector(credentials=credentials, database="d", warehouse="w")
    for text in (repr(connector), str(connector), connector.model_dump_json()):
        assert PASSPHRASE not in text
        assert "PRIVATE KEY" not in text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "needs a password"),
        ({"authenticator": "oauth"}, "needs a token"),
        ({"authenticator": "okta_endpoint", "password": "x"}, "needs an endpoint"),
        ({"private_key": b"k", "private_key_path": "/k.pem"}, "not both"),
    ],
)
def test_missing_or_conflicting_login_settings_are_named(fields, message):
    with pytest.raises(ValidationError, match=message):
        SnowflakeCredentials(account="a", user="u", **fields)


def test_key_pair_from_an_encrypted_pem(rsa_key):
    credentials = SnowflakeCredentials(
        account="a",
        user="u",
        private_key=_pem(rsa_key, PASSPHRASE),
        private_key_passphrase=PASSPHRASE,
    )

    kwargs = credentials.connect_kwargs()

    assert credentials.authenticator == "snowflake_jwt"
    assert kwargs["authenticator"] == "snowflake_jwt"
    assert kwargs["private_key"] == _der(rsa_key)
    assert "password" not in kwargs


def test_key_pair_from_a_path(tmp_path: Path, rsa_key):
    key_file = tmp_path / "rsa_key.p8"
    key_file.write_bytes(_pem(rsa_key))

    credentials = SnowflakeCredentials(account="a", user="u", private_key_path=key_file)

    assert credentials.resolve_private_key() == _der(rsa_key)


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [
        (None, "encrypted: set private_key_passphrase"),
        ("wrong-phrase-123", "wrong private_key_passphrase"),
    ],
)
def test_unusable_private_keys_give_clear_errors(rsa_key, passphrase, message):
    credentials = SnowflakeCredentials(
        account="a",
        user="u",
        private_key=_pem(rsa_key, PASSPHRASE),
        private_key_passphrase=passphrase,
    )
    with pytest.raises(SnowflakeConfigError, match=message) as info:
        credentials.resolve_private_key()
    assert PASSPHRASE not in str(info.value)
    assert "wrong-phrase-123" not in str(info.value)


def test_a_missing_key_file_is_named(tmp_path: Path):
    missing = tmp_path / "nope.p8"
    credentials = SnowflakeCredentials(account="a", user="u", private_key_path=missing)
    with pytest.raises(SnowflakeConfigError, match="cannot read private_key_path"):
        credentials.resolve_private_key()


def test_token_and_connection_options_reach_the_connector():
    credentials = SnowflakeCredentials(
        account="a",
        user="u",
        authenticator="oauth",
        token="tok-secret",
        role="loader",
        host="myorg.privatelink.snowflakecomputing.com",
        connect_args={"login_timeout": 20},
    )

    kwargs = credentials.connect_kwargs()

    assert kwargs["token"] == "tok-secret"
    assert kwargs["authenticator"] == "oauth"
    assert (kwargs["role"], kwargs["login_timeout"]) == ("loader", 20)
    assert kwargs["host"] == "myorg.privatelink.snowflakecomputing.com"
    assert "tok-secret" not in repr(credentials)


def test_plugin_registers_both_block_types():
    from headrace.plugins.manager import collect

    assert {SnowflakeCredentials, SnowflakeConnector} <= set(collect("register_block_types"))
