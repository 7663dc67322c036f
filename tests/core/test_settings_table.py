"""Settings read in one place: PREFECT_* beside HEADRACE_*, validation naming the variable,
profiles, and Prefect's result settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from headrace import settings
from headrace.settings import (
    PREFECT_LOCAL_STORAGE_PATH,
    PREFECT_RESULTS_PERSIST_BY_DEFAULT,
    SettingsError,
    get_current_settings,
    temporary_settings,
)


def test_prefect_variable_is_read_and_headrace_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_RESULTS_PERSIST_BY_DEFAULT", "true")
    assert PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is True
    monkeypatch.setenv("HEADRACE_RESULTS_PERSIST_BY_DEFAULT", "false")
    assert get_current_settings().results.persist_by_default is False


def test_bad_value_fails_with_the_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_TASK_RUNNER_THREAD_POOL_MAX_WORKERS", "many")
    with pytest.raises(SettingsError, match="PREFECT_TASK_RUNNER_THREAD_POOL_MAX_WORKERS='many'"):
        settings.get_settings()


def test_secret_value_is_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADRACE_API_KEY", "s3cr3t-key")
    assert "s3cr3t-key" not in repr(get_current_settings())


def test_temporary_settings_checks_values_before_changing_anything() -> None:
    before = PREFECT_RESULTS_PERSIST_BY_DEFAULT.value()
    bad = temporary_settings({PREFECT_RESULTS_PERSIST_BY_DEFAULT: "maybe"})
    with pytest.raises(SettingsError, match="RESULTS_PERSIST_BY_DEFAULT"), bad:
        pass
    assert PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() == before


def test_temporary_settings_masks_a_prefect_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PREFECT_LOCAL_STORAGE_PATH", str(tmp_path / "outer"))
    with temporary_settings(restore_defaults={PREFECT_LOCAL_STORAGE_PATH}):
        assert PREFECT_LOCAL_STORAGE_PATH.value() == get_current_settings().home / "storage"
    assert PREFECT_LOCAL_STORAGE_PATH.value() == tmp_path / "outer"


def test_profile_gives_values_the_environment_does_not(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(
        'active = "dev"\n[profiles.dev]\nPREFECT_RESULTS_DEFAULT_SERIALIZER = "json"\n'
        '[profiles.prod]\nHEADRACE_RESULTS_DEFAULT_SERIALIZER = "compressed/pickle"\n'
    )
    monkeypatch.setenv("HEADRACE_PROFILES_PATH", str(profiles))
    assert get_current_settings().results.default_serializer == "json"
    monkeypatch.setenv("HEADRACE_PROFILE", "prod")
    assert get_current_settings().results.default_serializer == "compressed/pickle"
    monkeypatch.setenv("HEADRACE_RESULTS_DEFAULT_SERIALIZER", "pickle")
    assert get_current_settings().results.default_serializer == "pickle"
    monkeypatch.setenv("HEADRACE_PROFILE", "missing")
    with pytest.raises(SettingsError, match="no such profile"):
        get_current_settings()


def test_unknown_setting_name_says_where_the_list_is() -> None:
    with pytest.raises(AttributeError, match="docs/compatibility.md"):
        settings.PREFECT_NO_SUCH_SETTING  # noqa: B018


def test_every_setting_is_described_once_for_the_cli() -> None:
    definitions = list(settings.iter_setting_definitions())
    names = [d.name for d in definitions]
    assert len(names) == len(set(names))
    assert all(d.help and d.prefect_name == "PREFECT_" + d.name[9:] for d in definitions)
    by_name = {d.name: d for d in definitions}
    assert by_name["HEADRACE_WORKER_POLL_SECONDS"].default == "2.0"
    assert by_name["HEADRACE_API_KEY"].secret and by_name["HEADRACE_API_KEY"].in_profiles
    assert not by_name["HEADRACE_DISABLE_PLUGINS"].in_profiles
    settings.validate("prefect_worker_poll_seconds", "0.5")
    with pytest.raises(SettingsError, match="HEADRACE_WORKER_POLL_SECONDS='0'"):
        settings.validate("HEADRACE_WORKER_POLL_SECONDS", "0")
    with pytest.raises(SettingsError, match="unknown setting"):
        settings.validate("HEADRACE_NO_SUCH_SETTING", "1")


def test_secret_values_stay_out_of_errors_and_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADRACE_API_KEY", "s3cr3t-key")
    assert "s3cr3t-key" not in repr(settings.get_settings())
    assert settings.get_settings().api_key == "s3cr3t-key"


def test_profile_values_reach_the_modules_reading_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADRACE_PROFILES_PATH", str(tmp_path / "profiles.toml"))
    monkeypatch.delenv("HEADRACE_WORKER_POLL_SECONDS", raising=False)
    settings.update_current_profile({"HEADRACE_WORKER_POLL_SECONDS": "7.5"})
    from headrace.workers import process

    assert process._poll_seconds() == 7.5
    monkeypatch.setenv("HEADRACE_WORKER_POLL_SECONDS", "3")  # the environment wins
    assert process._poll_seconds() == 3.0
