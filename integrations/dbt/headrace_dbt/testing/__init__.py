"""Test helpers for dbt projects: a private copy of a project with a ready DuckDB profile.

The pytest fixtures built on them live in `headrace_dbt.testing.pytest_plugin` (installed
with `headrace-dbt[testing]`); `SAMPLE_PROJECT` is the small project headrace-dbt's own
tests run: seeds, three models, tests and a snapshot, with vars that make a model
(`fail_model`) or a test (`fail_test`) fail.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from headrace_dbt.configs import DuckDBTargetConfigs
from headrace_dbt.profiles import DbtCliProfile

SAMPLE_PROJECT = Path(__file__).parent / "sample_project"
_BUILD_OUTPUT = ("target", "logs", "dbt_packages")


@dataclass
class DbtProject:
    """A dbt project copied into a scratch directory, with its own DuckDB warehouse."""

    project_dir: Path
    profiles_dir: Path
    profile: DbtCliProfile
    database: Path

    @classmethod
    def create(cls, source: str | Path, workdir: str | Path, threads: int = 1) -> DbtProject:
        """Copy `source` (without its build output) under `workdir` and write a DuckDB
        profile named as the project's `profile:` into `workdir/profiles`."""
        workdir = Path(workdir)
        project_dir = workdir / "project"
        shutil.copytree(source, project_dir, ignore=shutil.ignore_patterns(*_BUILD_OUTPUT))
        settings = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
        database = workdir / "warehouse.duckdb"
        profile = DbtCliProfile(
            name=settings.get("profile") or settings["name"],
            target="test",
            target_configs=DuckDBTargetConfigs(path=str(database), threads=threads),
        )
        profiles_dir = workdir / "profiles"
        profile.write_profiles(profiles_dir)
        return cls(project_dir, profiles_dir, profile, database)

    def copy_to(self, workdir: str | Path) -> DbtProject:
        """An independent copy (project, build output and warehouse), e.g. of a project
        built once per session, for a test that changes it."""
        workdir = Path(workdir)
        shutil.copytree(self.project_dir, workdir / "project")
        database = workdir / "warehouse.duckdb"
        for source in (self.database, self.database.with_name(self.database.name + ".wal")):
            if source.exists():  # dbt-duckdb may keep the database open, its log unmerged
                shutil.copy2(source, database.with_name(source.name))
        configs = self.profile.target_configs.model_copy(update={"path": str(database)})
        profile = self.profile.model_copy(update={"target_configs": configs})
        profile.write_profiles(workdir / "profiles")
        return DbtProject(workdir / "project", workdir / "profiles", profile, database)

    @property
    def dirs(self) -> dict[str, Path]:
        """`project_dir=` and `profiles_dir=` for the run_dbt_* tasks: `**project.dirs`."""
        return {"project_dir": self.project_dir, "profiles_dir": self.profiles_dir}

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a query against the project's warehouse (opened with DuckDB's default
        configuration, as dbt-duckdb keeps its own connection to it open in this process)."""
        import duckdb

        with duckdb.connect(str(self.database)) as connection:
            return connection.execute(sql).fetchall()


__all__ = ["SAMPLE_PROJECT", "DbtProject"]
