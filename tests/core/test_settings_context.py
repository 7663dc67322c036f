"""Settings contexts and profiles as Prefect's `prefect.context` has them: entered
contexts, `use_profile`, the process's root context, and serialized settings."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from headrace.context import (
    GLOBAL_SETTINGS_CONTEXT,
    SettingsContext,
    get_settings_context,
    hydrated_context,
    root_settings_context,
    serialize_context,
    use_profile,
)
from headrace.settings import (
    HEADRACE_PROFILES_PATH,
    PREFECT_API_KEY,
    PREFECT_API_URL,
    Profile,
    SettingsError,
    get_current_settings,
    temporary_settings,
)


@pytest.fixture
def profiles_file(tmp_path: Path):
    path = tmp_path / "profiles.toml"
    path.write_text(
        '[profiles.foo]\nPREFECT_API_URL = "http://foo:1/api"\n\n'
        '[profiles.bar]\nHEADRACE_API_URL = "http://bar:2/api"\nHEADRACE_LOGGING_LEVEL = "DEBUG"\n'
    )
    with temporary_settings({HEADRACE_PROFILES_PATH: path}):
        yield path


def test_an_entered_settings_context_is_the_current_one_until_it_exits():
    outer = get_settings_context()
    assert outer is GLOBAL_SETTINGS_CONTEXT
    with SettingsContext(profile=Profile(name="test", settings={})) as entered:
        assert get_settings_context() is entered
        assert SettingsContext.get().profile == Profile(name="test", settings={})
        with SettingsContext(profile=Profile(name="inner", settings={})) as inner:
            assert get_settings_context() is inner
        assert get_settings_context() is entered
    assert get_settings_context() is outer


def test_use_profile_puts_its_settings_in_force_for_the_block(profiles_file: Path):
    before = PREFECT_API_URL.value()
    with use_profile("foo") as foo:
        assert PREFECT_API_URL.value() == "http://foo:1/api"
        assert foo.profile == Profile("foo", {PREFECT_API_URL: "http://foo:1/api"}, profiles_file)
        with use_profile("bar") as bar:
            assert get_current_settings() == bar.settings
            assert PREFECT_API_URL.value() == "http://bar:2/api"
            assert get_current_settings().logging.level == "DEBUG"
        assert PREFECT_API_URL.value() == "http://foo:1/api"
        assert get_current_settings() == foo.settings
    assert PREFECT_API_URL.value() == before


def test_use_profile_is_confined_to_its_thread(profiles_file: Path):
    seen = []
    with use_profile("foo"):
        thread = threading.Thread(target=lambda: seen.append(PREFECT_API_URL.value()))
        thread.start()
        thread.join()
        assert PREFECT_API_URL.value() == "http://foo:1/api"
    assert seen == [None]


def test_environment_wins_over_a_profile_unless_told_otherwise(
    profiles_file: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("HEADRACE_API_URL", "http://env:3/api")
    with use_profile("foo"):
        assert PREFECT_API_URL.value() == "http://env:3/api"
    with use_profile("foo", override_environment_variables=True):
        assert PREFECT_API_URL.value() == "http://foo:1/api"


def test_use_profile_refuses_unknown_profiles_and_bad_values(profiles_file: Path):
    with pytest.raises(KeyError, match="'nope' not found"), use_profile("nope"):
        pass
    bad = Profile("bad", {"HEADRACE_TASK_DEFAULT_RETRIES": "many"})
    with pytest.raises(SettingsError, match="HEADRACE_TASK_DEFAULT_RETRIES"), use_profile(bad):
        pass
    with pytest.raises(TypeError, match="Expected 'str' or 'Profile'"), use_profile(3):
        pass


def test_any_api_url_loads_and_a_non_http_one_fails_where_it_is_used():
    from headrace.store import open_store

    with temporary_settings({PREFECT_API_URL: "test"}):
        assert PREFECT_API_URL.value() == "test"
        with pytest.raises(SettingsError, match="HEADRACE_API_URL='test'.*http"):
            open_store()


def test_root_context_follows_the_environment_and_creates_home(tmp_path: Path):
    home = tmp_path / "new-home"
    with temporary_settings({"PREFECT_HOME": home}):
        context = root_settings_context()
        assert context.settings.home == home and home.is_dir()
        assert GLOBAL_SETTINGS_CONTEXT.settings.home == home
        assert context.profile.name == "default"


def test_a_missing_profile_named_by_the_environment_warns_and_uses_the_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("PREFECT_PROFILE", "gone")
    assert root_settings_context().profile.name == "default"
    assert "profile 'gone' set by environment variable not found" in capsys.readouterr().err


def test_settings_serialize_with_secrets_and_hydrate_back(tmp_path: Path):
    with temporary_settings({PREFECT_API_KEY: "s3cret", PREFECT_API_URL: "http://h:1/api"}):
        assert "s3cret" not in repr(get_current_settings())
        serialized = serialize_context()["settings_context"]
        assert serialized["settings"]["api"]["key"] == "s3cret"
        assert serialized["settings"]["home"] == str(get_current_settings().home)
        assert "s3cret" not in str(SettingsContext.get().serialize(include_secrets=False))
    with hydrated_context({"settings_context": serialized}):
        hydrated = SettingsContext.get().settings
        assert hydrated.api.key.get_secret_value() == "s3cret"
        assert hydrated.api.url == "http://h:1/api"
        assert isinstance(hydrated.home, Path)
    assert SettingsContext.get() is GLOBAL_SETTINGS_CONTEXT
