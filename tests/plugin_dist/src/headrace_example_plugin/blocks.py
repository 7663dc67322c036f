"""The example plugin's block type, imported only when the hook asks for it."""

from __future__ import annotations

from headrace.blocks.core import Block
from pydantic import SecretStr


class ExampleCredentials(Block):
    """Credentials for the example service."""

    _block_schema_capabilities = ["example-login"]

    username: str
    token: SecretStr
