"""Target-config blocks: the `outputs.<target>` part of a dbt profile.

`TargetConfigs` is the generic one (any adapter: `type` plus keys in `extras`, secret keys
in `secrets`); adapter-specific subclasses name their fields. Secrets are revealed only
in `get_configs()`, which feeds the profiles.yml dbt reads, never a log or a run record.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, SecretStr

from headrace.blocks.core import Block, SecretDict


class TargetConfigs(Block):
    """Connection settings of one dbt target, for any adapter."""

    _block_type_name = "dbt CLI Target Configs"
    model_config = ConfigDict(populate_by_name=True)

    type: str = Field(description="The dbt adapter, e.g. duckdb, postgres, snowflake.")
    schema_: str = Field(alias="schema", description="The schema dbt builds into.")
    threads: int = Field(default=4, description="How many nodes dbt runs at once.")
    extras: dict[str, Any] = Field(
        default_factory=dict, description="Further adapter keys, written as given."
    )
    secrets: SecretDict | None = Field(
        default=None, description="Adapter keys holding secrets (password, token, ...)."
    )
    allow_field_overrides: bool = Field(
        default=False, description="Let `extras` and `secrets` replace named fields."
    )

    def _named_configs(self) -> dict[str, Any]:
        """The fields this class names, as dbt spells them."""
        return {"type": self.type, "schema": self.schema_, "threads": self.threads}

    def get_configs(self) -> dict[str, Any]:
        """The target's keys for profiles.yml, secrets revealed."""
        configs = {k: v for k, v in self._named_configs().items() if v is not None}
        extra = dict(self.extras)
        if self.secrets is not None:
            extra.update(self.secrets.get_secret_value())
        clashes = sorted(set(extra) & set(configs))
        if clashes and not self.allow_field_overrides:
            raise ValueError(
                f"extras/secrets repeat the field(s) {', '.join(clashes)}; "
                "set allow_field_overrides=True to let them win"
            )
        configs.update(extra)
        return {k: _reveal(v) for k, v in configs.items()}


class DuckDBTargetConfigs(TargetConfigs):
    """A dbt-duckdb target: a database file (or `:memory:`), extensions and settings."""

    _block_type_name = "dbt DuckDB Target Configs"

    type: str = "duckdb"
    schema_: str = Field(default="main", alias="schema")
    threads: int = 1
    path: str = Field(default=":memory:", description="The DuckDB database file.")
    extensions: list[str] = Field(default_factory=list, description="Extensions to load.")
    settings: dict[str, Any] = Field(default_factory=dict, description="DuckDB settings.")
    motherduck_token: SecretStr | None = Field(
        default=None, description="Token for MotherDuck (`md:` paths)."
    )

    def _named_configs(self) -> dict[str, Any]:
        configs = super()._named_configs()
        configs["path"] = self.path
        if self.extensions:
            configs["extensions"] = list(self.extensions)
        if self.settings:
            configs["settings"] = dict(self.settings)
        if self.motherduck_token is not None:
            configs["motherduck_token"] = self.motherduck_token
        return configs


def _reveal(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {k: _reveal(v) for k, v in value.items()}
    return value
