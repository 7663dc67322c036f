"""Secret fields: masked wherever a block is shown, encrypted at rest, key kept outside."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretBytes, SecretStr, ValidationError

from headrace.blocks.core import Block, SecretDict
from headrace.blocks.errors import BlockEncryptionError
from headrace.blocks.system import Secret, String
from headrace.store.encryption import KEY_FILE_NAME

PLAIN = "correct-horse-battery-staple"


class ServiceCredentials(Block):
    """Credentials with every kind of secret field."""

    username: str
    password: SecretStr
    private_key: SecretBytes | None = None
    extra: SecretDict = SecretDict({})


@pytest.fixture
def credentials() -> ServiceCredentials:
    return ServiceCredentials(
        username="bob",
        password=PLAIN,
        private_key=PLAIN.encode(),
        extra={"api": {"token": PLAIN}},
    )


def _store_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.iterdir() if p.name.startswith("headrace.db"))


def test_repr_and_str_mask_every_secret(credentials: ServiceCredentials) -> None:
    for text in (repr(credentials), str(credentials), f"{credentials}"):
        assert PLAIN not in text
        assert "bob" in text
    assert "'token'" in repr(credentials.extra)  # keys stay visible


def test_secret_values_are_reachable_on_purpose(credentials: ServiceCredentials) -> None:
    assert credentials.password.get_secret_value() == PLAIN
    assert credentials.extra.get_secret_value() == {"api": {"token": PLAIN}}


def test_logs_do_not_show_secrets(
    credentials: ServiceCredentials, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("using %s and %r", credentials, credentials)
    assert "bob" in caplog.text and PLAIN not in caplog.text


def test_json_dump_masks_secrets(credentials: ServiceCredentials) -> None:
    assert PLAIN not in credentials.model_dump_json()


def test_validation_errors_do_not_echo_the_input() -> None:
    with pytest.raises(ValidationError) as info:
        ServiceCredentials(username=PLAIN, password=12345)  # type: ignore[arg-type]
    assert "12345" not in str(info.value)
    with pytest.raises(ValidationError) as info:
        ServiceCredentials(username=["not", PLAIN], password="x")  # type: ignore[arg-type]
    assert PLAIN not in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        (SecretStr("wrapped"), "wrapped"),
        (SecretBytes(b"bytes"), "bytes"),
        ({"user": "u", "ports": [1, 2]}, {"user": "u", "ports": [1, 2]}),
        (42, 42),
    ],
)
def test_secret_block_get_returns_the_value(value: object, expected: object) -> None:
    Secret(value=value).save("s")
    loaded = Secret.load("s")
    assert loaded.get() == expected
    assert repr(expected) not in repr(loaded)


def test_secrets_survive_a_round_trip(credentials: ServiceCredentials) -> None:
    credentials.save("svc")
    loaded = ServiceCredentials.load("svc")
    assert loaded.password.get_secret_value() == PLAIN
    assert loaded.private_key is not None
    assert loaded.private_key.get_secret_value() == PLAIN.encode()
    assert loaded.extra.get_secret_value() == {"api": {"token": PLAIN}}


def test_documents_are_encrypted_at_rest(
    credentials: ServiceCredentials, headrace_home: Path
) -> None:
    credentials.save("svc")
    String(value="visible-only-in-memory").save("note")
    raw = _store_bytes(headrace_home)
    assert raw  # the database really is there
    assert PLAIN.encode() not in raw
    assert b"visible-only-in-memory" not in raw  # whole documents are encrypted


def test_key_file_and_database_are_private(headrace_home: Path) -> None:
    Secret(value="x").save("s")
    for name in (KEY_FILE_NAME, "headrace.db"):
        mode = stat.S_IMODE(os.stat(headrace_home / name).st_mode)
        assert mode == 0o600, (name, oct(mode))


def test_a_key_file_open_to_others_is_refused(headrace_home: Path) -> None:
    Secret(value="x").save("s")
    (headrace_home / KEY_FILE_NAME).chmod(0o644)
    with pytest.raises(BlockEncryptionError, match="chmod 600"):
        Secret.load("s")


def test_key_from_the_environment_leaves_no_key_file(
    headrace_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", Fernet.generate_key().decode())
    Secret(value="env-keyed").save("s")
    assert Secret.load("s").get() == "env-keyed"
    assert not (headrace_home / KEY_FILE_NAME).exists()


def test_wrong_key_is_a_clear_error_and_nothing_is_overwritten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    right = Fernet.generate_key().decode()
    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", right)
    Secret(value="original").save("s")

    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", Fernet.generate_key().decode())
    with pytest.raises(BlockEncryptionError, match="not the key the block store"):
        Secret.load("s")
    with pytest.raises(BlockEncryptionError, match="nothing was read or written"):
        Secret(value="replacement").save("s", overwrite=True)
    with pytest.raises(BlockEncryptionError):
        Secret(value="new").save("other")

    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", right)
    assert Secret.load("s").get() == "original"
    with pytest.raises(Exception, match="no block secret/other"):
        Secret.load("other")


def test_malformed_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", "not-a-key")
    with pytest.raises(BlockEncryptionError, match="not a valid Fernet key"):
        Secret(value="x").save("s")


def test_lost_key_file_is_reported_not_replaced(headrace_home: Path) -> None:
    Secret(value="x").save("s")
    (headrace_home / KEY_FILE_NAME).unlink()
    with pytest.raises(BlockEncryptionError, match="key file .* is missing"):
        Secret.load("s")
    assert not (headrace_home / KEY_FILE_NAME).exists()


def test_errors_never_contain_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    Secret(value=PLAIN).save("s")
    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", Fernet.generate_key().decode())
    with pytest.raises(BlockEncryptionError) as info:
        Block.load("secret/s")
    assert PLAIN not in str(info.value)
