"""`DbtCliProfile`: a dbt profile as a block, written to profiles.yml when dbt needs it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from headrace.blocks.core import Block
from headrace_dbt.configs import TargetConfigs

PROFILES_FILE = "profiles.yml"


class DbtCliProfile(Block):
    """A dbt profile: its name (the `profile:` of dbt_project.yml), target and settings."""

    _block_type_name = "dbt CLI Profile"

    name: str = Field(description="The profile name dbt_project.yml refers to.")
    target: str = Field(default="dev", description="The target dbt uses by default.")
    target_configs: TargetConfigs = Field(description="The target's connection settings.")

    def get_profile(self) -> dict[str, Any]:
        """The profiles.yml content as a dict (secrets revealed: for dbt only)."""
        return {
            self.name: {
                "target": self.target,
                "outputs": {self.target: self.target_configs.get_configs()},
            }
        }

    def write_profiles(self, profiles_dir: str | Path, overwrite: bool = False) -> Path:
        """Write profiles.yml into `profiles_dir` (readable by the owner only); refuses
        to replace an existing file unless `overwrite`."""
        directory = Path(profiles_dir).expanduser()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / PROFILES_FILE
        if path.exists() and not overwrite:
            raise FileExistsError(
                f"{path} exists; pass overwrite_profiles=True to replace it with this profile"
            )
        text = yaml.safe_dump(self.get_profile(), sort_keys=False)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    @contextlib.contextmanager
    def temporary_profiles_dir(self) -> Iterator[Path]:
        """A private directory holding this profile's profiles.yml, deleted on exit, so
        the secrets in it do not outlive the dbt command."""
        with tempfile.TemporaryDirectory(prefix="headrace-dbt-profiles-") as directory:
            self.write_profiles(directory)
            yield Path(directory)
