"""Encryption at rest for block documents and secret deployment parameters (Fernet:
AES-128-CBC with an HMAC).

The key never lives in the database: it comes from `HEADRACE_ENCRYPTION_KEY` or from a
key file created 0600 under `$HEADRACE_HOME`. The store keeps a small token encrypted
with the key, so a wrong key is detected before anything is read or written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from headrace.exceptions import BlockEncryptionError
from headrace.settings import get_settings
from headrace.store.interface import Store

KEY_ENV = "HEADRACE_ENCRYPTION_KEY"
KEY_FILE_NAME = "encryption.key"
_CHECK_PLAINTEXT = b"headrace block store key check"


def key_file_path() -> Path:
    return get_settings().home / KEY_FILE_NAME


def _key_source() -> str:
    return f"${KEY_ENV}" if os.environ.get(KEY_ENV) else str(key_file_path())


def _fernet_from(raw: bytes, source: str) -> Fernet:
    try:
        return Fernet(raw.strip())
    except (ValueError, TypeError):
        raise BlockEncryptionError(
            f"the encryption key in {source} is not a valid Fernet key (32 url-safe "
            f"base64-encoded bytes); create one with "
            f'`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key())"`'
        ) from None


def _create_key_file(path: Path) -> None:
    """Write a new key atomically: a racing process either wins or uses the winner's key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".encryption-", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(Fernet.generate_key())
        os.link(temporary, path)  # fails if another process linked its key first
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


def _load_fernet(store: Store, check_token: str | None) -> Fernet:
    env_key = os.environ.get(KEY_ENV)
    if env_key:
        return _fernet_from(env_key.encode(), f"${KEY_ENV}")
    path = key_file_path()
    if not path.exists():
        if check_token is not None:
            raise BlockEncryptionError(
                f"the block store {store.location} holds documents encrypted with a key, but "
                f"the key file {path} is missing; restore it or set ${KEY_ENV}"
            )
        _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        raise BlockEncryptionError(
            f"the key file {path} is open to other users (mode {oct(mode)}); "
            f"run `chmod 600 {path}` and try again"
        )
    return _fernet_from(path.read_bytes(), str(path))


def store_cipher(store: Store) -> Fernet:
    """The cipher for `store`, checked against the store's key-check token."""
    check_token = store.blocks.key_check_token()
    fernet = _load_fernet(store, check_token)
    if check_token is None:
        check_token = store.blocks.set_key_check_token(fernet.encrypt(_CHECK_PLAINTEXT).decode())
    try:
        fernet.decrypt(check_token.encode())
    except InvalidToken:
        raise BlockEncryptionError(
            f"the encryption key from {_key_source()} is not the key the block store "
            f"{store.location} was written with; nothing was read or written"
        ) from None
    return fernet


def decrypt(fernet: Fernet, token: bytes, what: str) -> bytes:
    """Decrypt one document; a failure names the document, never its content."""
    try:
        return fernet.decrypt(token)
    except InvalidToken:
        raise BlockEncryptionError(
            f"cannot decrypt block {what} with the key from {_key_source()}"
        ) from None


def encrypt_secret(plaintext: bytes) -> str:
    """Encrypt a secret value outside a block document (e.g. a deployment parameter) with
    the store's block key, so it is protected like a block's secret fields."""
    from headrace.store import get_store

    return store_cipher(get_store()).encrypt(plaintext).decode("ascii")


def decrypt_secret(token: str, what: str) -> bytes:
    """Decrypt what `encrypt_secret` made; a failure names `what`, never the content."""
    from headrace.store import get_store

    try:
        return store_cipher(get_store()).decrypt(token.encode("ascii"))
    except InvalidToken:
        raise BlockEncryptionError(
            f"cannot decrypt {what} with the key from {_key_source()}"
        ) from None
