"""The example plugin's block type, imported only when the hook asks for it."""

from __future__ import annotations

from pydantic import SecretStr

from headrace.blocks.core import Block


class ExampleCredentials(Block):
    """Credentials for the example service."""

    _block_type_name = "Example Credentials"

    _block_schema_capabilities = ["example-login"]

    username: str
    token: SecretStr


class HalfBrokenSettings(Block):
    """Settings of the plugin whose other hook fails."""

    _block_type_name = "Half Broken Settings"

    endpoint: str
