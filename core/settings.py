"""Settings read from `HEADRACE_*` environment variables.

Settings are read lazily and cached per value of `HEADRACE_HOME`, so a harness that
points `HEADRACE_HOME` somewhere else (or calls `temporary_settings`) is picked up
without restarting the process, and the hot path only pays one dict lookup.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_OVERRIDABLE = {
    "home": "HEADRACE_HOME",
    "logging_level": "HEADRACE_LOGGING_LEVEL",
    "database": "HEADRACE_DATABASE",
    "database_url": "HEADRACE_DATABASE_URL",
    "api_url": "HEADRACE_API_URL",
    "thread_pool_max_workers": "HEADRACE_TASK_RUNNER_THREAD_POOL_MAX_WORKERS",
}


@dataclass(frozen=True)
class Settings:
    """The settings in force; build with `get_settings()`."""

    home: Path
    logging_level: str
    database: str
    thread_pool_max_workers: int
    #: the headrace server's API (`http://host:4200/api`); None: use `database` directly
    api_url: str | None = None

    @property
    def results_path(self) -> Path:
        """Default result storage: one file per persisted result or cache key."""
        return self.home / "storage"


_cache: dict[tuple[str | None, ...], Settings] = {}


def _env_key() -> tuple[str | None, ...]:
    return tuple(os.environ.get(var) for var in _OVERRIDABLE.values())


def get_settings() -> Settings:
    """The settings for the current environment (cached per environment values)."""
    key = _env_key()
    settings = _cache.get(key)
    if settings is None:
        home_raw, level, database, database_url, api_url, max_workers = key
        home = Path(home_raw).expanduser() if home_raw else Path.home() / ".headrace"
        settings = Settings(
            home=home,
            logging_level=(level or "INFO").upper(),
            # HEADRACE_DATABASE_URL: a SQLite path or postgresql://...; HEADRACE_DATABASE
            # is its older name
            database=database_url or database or str(home / "headrace.db"),
            api_url=api_url.rstrip("/") if api_url else None,
            thread_pool_max_workers=int(max_workers) if max_workers else 32,
        )
        _cache[key] = settings
    return settings


def forget_cached_settings(home: str | None = None) -> None:
    """Drop cached settings (only those naming `home`, if given), e.g. after deleting it."""
    for key in list(_cache):
        if home is None or home in key:
            _cache.pop(key, None)


@contextmanager
def temporary_settings(**overrides: object) -> Iterator[Settings]:
    """Override settings (by field name) for the duration of the block, then restore."""
    unknown = set(overrides) - set(_OVERRIDABLE)
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    saved = {var: os.environ.get(var) for var in _OVERRIDABLE.values()}
    try:
        for name, value in overrides.items():
            var = _OVERRIDABLE[name]
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = str(value)
        _notify_change()
        yield get_settings()
    finally:
        _notify_change()
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value
        _notify_change()


#: called when `temporary_settings` changes the settings in force (the store registers
#: `reset_store`, so that it reopens on the new database); settings import nothing else
_change_listeners: list[Callable[[], None]] = []


def on_settings_change(listener: Callable[[], None]) -> None:
    """Call `listener` whenever `temporary_settings` enters or leaves."""
    if listener not in _change_listeners:
        _change_listeners.append(listener)


def _notify_change() -> None:
    for listener in list(_change_listeners):
        listener()
