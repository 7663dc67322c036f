"""The pytest fixtures headrace-dbt ships: a private project copy with a DuckDB profile."""

from __future__ import annotations

import pytest
import yaml

from headrace_dbt.testing import SAMPLE_PROJECT, DbtProject


def test_dbt_project_is_a_private_copy_with_a_duckdb_profile(
    headrace_dbt_project, tmp_path
) -> None:
    assert headrace_dbt_project.project_dir != SAMPLE_PROJECT
    assert (headrace_dbt_project.project_dir / "dbt_project.yml").exists()
    assert not (headrace_dbt_project.project_dir / "target").exists()
    written = yaml.safe_load((headrace_dbt_project.profiles_dir / "profiles.yml").read_text())
    assert written == headrace_dbt_project.profile.get_profile()
    output = written["headrace_sample"]["outputs"]["test"]
    assert output == {
        "type": "duckdb",
        "schema": "main",
        "threads": 1,
        "path": str(headrace_dbt_project.database),
    }
    assert headrace_dbt_project.dirs == {
        "project_dir": headrace_dbt_project.project_dir,
        "profiles_dir": headrace_dbt_project.profiles_dir,
    }


@pytest.mark.headrace_dbt_project(SAMPLE_PROJECT, threads=3)
def test_marker_picks_the_project_and_threads(headrace_dbt_project) -> None:
    assert headrace_dbt_project.profile.target_configs.threads == 3


@pytest.mark.dbt_project(threads=2)
def test_the_old_fixture_and_marker_names_still_work_and_warn(request) -> None:
    with pytest.warns(DeprecationWarning, match="'dbt_project' (fixture|marker) is deprecated"):
        project = request.getfixturevalue("dbt_project")
    assert project is request.getfixturevalue("headrace_dbt_project")
    assert project.profile.target_configs.threads == 2


def test_build_output_is_not_copied_and_copies_are_independent(tmp_path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "dbt_project.yml").write_text("name: shop\nprofile: shop_profile\n")
    (source / "target").mkdir()
    (source / "target" / "manifest.json").write_text("{}")
    project = DbtProject.create(source, tmp_path / "first")
    assert project.profile.name == "shop_profile"
    assert not (project.project_dir / "target").exists()
    project.database.write_bytes(b"db")
    copy = project.copy_to(tmp_path / "second")
    assert copy.database.read_bytes() == b"db"
    assert copy.profile.target_configs.path == str(copy.database)
    assert project.profile.target_configs.path == str(project.database)


def test_session_and_module_variants_are_copies_too(
    headrace_dbt_project_session, headrace_dbt_project_module
):
    assert headrace_dbt_project_session.project_dir != headrace_dbt_project_module.project_dir
    assert headrace_dbt_project_session.profile.name == "headrace_sample"
