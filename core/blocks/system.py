"""Built-in general-purpose blocks: `Secret`, `JSON` and `String`."""

from __future__ import annotations

from typing import Any

from pydantic import Field, JsonValue, SecretBytes, SecretStr, field_validator
from pydantic import Secret as SecretValue

from headrace.blocks.core import Block

__all__ = ["JSON", "Secret", "String"]


class Secret(Block):
    """A secret value: a string or any JSON value, masked wherever the block is shown.

    Example:
        Secret(value="s3cr3t").save("api-token"); Secret.load("api-token").get()
    """

    value: SecretValue[JsonValue] = Field(description="The value to keep secret.")

    @field_validator("value", mode="before")
    @classmethod
    def _unwrap(cls, value: Any) -> Any:
        """Accept `SecretStr`/`SecretBytes` as well as plain values; keep the plain value."""
        if isinstance(value, SecretBytes):
            return value.get_secret_value().decode()
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        return value

    def get(self) -> JsonValue:
        """The secret value, as it was given (a str stays a str, a dict a dict)."""
        return self.value.get_secret_value()


class JSON(Block):
    """Any JSON value: numbers, strings, lists and objects.

    Example:
        JSON(value={"retries": 3}).save("defaults"); JSON.load("defaults").value
    """

    value: JsonValue = Field(description="A JSON-compatible value.")


class String(Block):
    """A string value.

    Example:
        String(value="eu-west-1").save("region"); String.load("region").value
    """

    value: str = Field(description="A string value.")
