"""Errors raised by blocks; each message names the block and says what to do.

They subclass `ValueError` where Prefect raises `ValueError`, so code catching that keeps
working. No message ever contains a secret value.
"""

from __future__ import annotations


class BlockError(Exception):
    """Base class of every block error."""


class InvalidBlockName(BlockError, ValueError):
    """A block document name or reference that breaks the naming rules."""


class UnknownBlockType(BlockError, ValueError):
    """No registered block type has this slug."""


class BlockNotFound(BlockError, ValueError):
    """No saved block document has this type and name."""


class BlockAlreadyExists(BlockError, ValueError):
    """`save` without `overwrite=True` onto a name already in use."""


class BlockInUse(BlockError):
    """A block cannot be deleted while other blocks reference it."""


class BlockDocumentInvalid(BlockError, ValueError):
    """A saved document no longer validates against its block class."""


class BlockEncryptionError(BlockError):
    """The encryption key is missing, malformed, or not the one the store was written with."""
