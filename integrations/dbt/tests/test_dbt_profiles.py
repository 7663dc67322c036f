"""Profile and target-config blocks: what they write to profiles.yml, how they keep
secrets out of sight, and how they save and load. No dbt command runs here."""

from __future__ import annotations

import stat

import pytest
import yaml

from headrace.blocks.core import Block
from headrace.plugins.manager import collect
from headrace_dbt import DbtCliProfile, DuckDBTargetConfigs, TargetConfigs
from headrace_dbt.runner import build_args, invoke_dbt

SECRET = "s3cr3t-value-42"


def _warehouse_profile() -> DbtCliProfile:
    configs = TargetConfigs(
        type="postgres",
        schema="analytics",
        threads=2,
        extras={"host": "db.internal", "port": 5432, "user": "loader"},
        secrets={"password": SECRET},
    )
    return DbtCliProfile(name="warehouse", target="prod", target_configs=configs)


def test_generic_target_configs_write_extras_and_secrets() -> None:
    assert _warehouse_profile().get_profile() == {
        "warehouse": {
            "target": "prod",
            "outputs": {
                "prod": {
                    "type": "postgres",
                    "schema": "analytics",
                    "threads": 2,
                    "host": "db.internal",
                    "port": 5432,
                    "user": "loader",
                    "password": SECRET,
                }
            },
        }
    }


def test_duckdb_target_configs() -> None:
    configs = DuckDBTargetConfigs(
        path="/data/warehouse.duckdb", extensions=["httpfs"], settings={"memory_limit": "1GB"}
    )
    assert configs.get_configs() == {
        "type": "duckdb",
        "schema": "main",
        "threads": 1,
        "path": "/data/warehouse.duckdb",
        "extensions": ["httpfs"],
        "settings": {"memory_limit": "1GB"},
    }
    with_token = DuckDBTargetConfigs(path="md:analytics", motherduck_token=SECRET)
    assert with_token.get_configs()["motherduck_token"] == SECRET
    assert SECRET not in repr(with_token)


def test_extras_may_not_silently_replace_fields() -> None:
    configs = TargetConfigs(type="duckdb", schema="main", extras={"threads": 8})
    with pytest.raises(ValueError, match="threads"):
        configs.get_configs()
    allowed = configs.model_copy(update={"allow_field_overrides": True})
    assert allowed.get_configs()["threads"] == 8


def test_secrets_stay_masked_outside_profiles_yml() -> None:
    profile = _warehouse_profile()
    for text in (repr(profile), str(profile), profile.model_dump_json()):
        assert SECRET not in text
        assert "password" in text or "secrets" in text


def test_write_profiles_is_private_and_refuses_to_overwrite(tmp_path) -> None:
    profile = _warehouse_profile()
    path = profile.write_profiles(tmp_path)
    assert yaml.safe_load(path.read_text()) == profile.get_profile()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError, match="overwrite_profiles"):
        profile.write_profiles(tmp_path)
    profile.write_profiles(tmp_path, overwrite=True)


def test_temporary_profiles_dir_is_removed(tmp_path) -> None:
    with _warehouse_profile().temporary_profiles_dir() as directory:
        assert (directory / "profiles.yml").exists()
    assert not directory.exists()


def test_existing_profiles_yml_is_kept_unless_overwrite(tmp_path) -> None:
    (tmp_path / "profiles.yml").write_text("mine: {}\n")
    with pytest.raises(ValueError, match="overwrite_profiles=True"):
        invoke_dbt("debug", profiles_dir=tmp_path, dbt_cli_profile=_warehouse_profile())
    assert (tmp_path / "profiles.yml").read_text() == "mine: {}\n"


def test_blocks_save_and_load_with_the_nested_target(headrace_harness) -> None:
    _warehouse_profile().save("warehouse")
    duckdb = DbtCliProfile(name="local", target_configs=DuckDBTargetConfigs(path="x.duckdb"))
    duckdb.save("local")
    loaded = DbtCliProfile.load("warehouse")
    assert loaded.get_profile() == _warehouse_profile().get_profile()
    by_slug = Block.load("dbt-cli-profile/local")
    assert isinstance(by_slug.target_configs, DuckDBTargetConfigs)
    assert by_slug.target_configs.path == "x.duckdb"


def test_block_types_come_through_the_plugin_hook() -> None:
    slugs = {block.get_block_type_slug() for block in collect("register_block_types")}
    assert {"dbt-cli-profile", "dbt-cli-target-configs", "dbt-duckdb-target-configs"} <= slugs


def test_build_args() -> None:
    assert build_args(
        "dbt run --full-refresh",
        project_dir="p",
        select=["a", "b+"],
        exclude="c",
        vars={"day": "2026-01-01"},
        extra_command_args=["--threads", "2"],
    ) == [
        "run",
        "--full-refresh",
        "--project-dir",
        "p",
        "--select",
        "a",
        "b+",
        "--exclude",
        "c",
        "--vars",
        '{"day": "2026-01-01"}',
        "--threads",
        "2",
    ]
    with pytest.raises(ValueError, match="no dbt command"):
        build_args("dbt")
