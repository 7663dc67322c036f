"""temporary_settings in Prefect's forms: a mapping of Setting objects, set/restore defaults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from headrace.settings import (
    HEADRACE_API_URL,
    HEADRACE_DATABASE_URL,
    HEADRACE_HOME,
    HEADRACE_LOGGING_LEVEL,
    get_settings,
    temporary_settings,
)


def test_positional_mapping_of_setting_objects(tmp_path: Path) -> None:
    before = HEADRACE_HOME.value()
    with temporary_settings({HEADRACE_HOME: tmp_path, HEADRACE_LOGGING_LEVEL: "debug"}) as s:
        assert HEADRACE_HOME.value() == tmp_path == s.home
        assert HEADRACE_LOGGING_LEVEL.value() == "DEBUG"
        assert HEADRACE_HOME.name == "HEADRACE_HOME"
        assert os.environ["HEADRACE_HOME"] == str(tmp_path)
    assert HEADRACE_HOME.value() == before


def test_updates_keyword_names_and_field_keywords(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    with temporary_settings(updates={"HEADRACE_DATABASE_URL": db}, api_url="http://h:1/api"):
        assert HEADRACE_DATABASE_URL.value() == db == get_settings().database
        assert HEADRACE_API_URL.value() == "http://h:1/api"
    assert get_settings().database != db


def test_set_defaults_and_restore_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADRACE_API_URL", "http://set:1/api")
    with temporary_settings(set_defaults={HEADRACE_API_URL: "http://default:2/api"}):
        assert HEADRACE_API_URL.value() == "http://set:1/api"  # already set: kept
    with temporary_settings(restore_defaults={HEADRACE_API_URL}):
        assert HEADRACE_API_URL.value() is None
        with temporary_settings(set_defaults={HEADRACE_API_URL: "http://default:2/api"}):
            assert HEADRACE_API_URL.value() == "http://default:2/api"
    assert HEADRACE_API_URL.value() == "http://set:1/api"


def test_unknown_setting_is_rejected_before_anything_changes(tmp_path: Path) -> None:
    before = os.environ.get("HEADRACE_HOME")
    bad = temporary_settings({HEADRACE_HOME: tmp_path, "PREFECT_NOPE": 1})
    with pytest.raises(ValueError, match="unknown setting: 'PREFECT_NOPE'"), bad:
        pass
    assert os.environ.get("HEADRACE_HOME") == before


def test_prefect_names_are_the_same_settings(tmp_path: Path) -> None:
    from headrace.settings import PREFECT_API_URL, PREFECT_HOME

    with temporary_settings(updates={PREFECT_HOME: tmp_path}):
        assert HEADRACE_HOME.value() == tmp_path
    assert PREFECT_API_URL.field == HEADRACE_API_URL.field
    assert PREFECT_API_URL.name == "PREFECT_API_URL"
