"""Errors raised by blocks; each message names the block and says what to do.

They subclass `ValueError` where Prefect raises `ValueError`, so code catching that keeps
working. No message ever contains a secret value. The classes live in
`headrace.exceptions` (the store raises some of them) and are the same objects here.
"""

from __future__ import annotations

from headrace.exceptions import (
    BlockAlreadyExists,
    BlockDocumentInvalid,
    BlockEncryptionError,
    BlockError,
    BlockInUse,
    BlockNotFound,
    InvalidBlockName,
    UnknownBlockType,
)

__all__ = [
    "BlockAlreadyExists",
    "BlockDocumentInvalid",
    "BlockEncryptionError",
    "BlockError",
    "BlockInUse",
    "BlockNotFound",
    "InvalidBlockName",
    "UnknownBlockType",
]
