"""Settings read from `HEADRACE_*` environment variables.

Settings are read lazily and cached per value of `HEADRACE_HOME`, so a harness that
points `HEADRACE_HOME` somewhere else (or calls `temporary_settings`) is picked up
without restarting the process, and the hot path only pays one dict lookup.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
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
    "logging_settings_path": "HEADRACE_LOGGING_SETTINGS_PATH",
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
    #: a logging dictConfig YAML file, used instead of headrace's own when it exists
    logging_settings_path: Path | None = None

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
        home_raw, level, database, database_url, api_url, max_workers, logging_path = key
        home = Path(home_raw).expanduser() if home_raw else Path.home() / ".headrace"
        settings = Settings(
            home=home,
            logging_level=(level or "INFO").upper(),
            # HEADRACE_DATABASE_URL: a SQLite path or postgresql://...; HEADRACE_DATABASE
            # is its older name
            database=database_url or database or str(home / "headrace.db"),
            api_url=api_url.rstrip("/") if api_url else None,
            thread_pool_max_workers=int(max_workers) if max_workers else 32,
            logging_settings_path=(
                Path(logging_path).expanduser() if logging_path else home / "logging.yml"
            ),
        )
        _cache[key] = settings
    return settings


def forget_cached_settings(home: str | None = None) -> None:
    """Drop cached settings (only those naming `home`, if given), e.g. after deleting it."""
    for key in list(_cache):
        if home is None or home in key:
            _cache.pop(key, None)


class Setting:
    """One setting, named after its environment variable (Prefect's `PREFECT_*` objects).

    Usable as a key of `temporary_settings({HEADRACE_HOME: path})`; `.value()` reads the
    value in force now.
    """

    __slots__ = ("name", "field")

    def __init__(self, name: str, field: str) -> None:
        self.name = name
        self.field = field

    def value(self) -> object:
        return getattr(get_settings(), self.field)

    def __repr__(self) -> str:
        return f"<Setting {self.name}>"


HEADRACE_HOME = Setting("HEADRACE_HOME", "home")
HEADRACE_LOGGING_LEVEL = Setting("HEADRACE_LOGGING_LEVEL", "logging_level")
HEADRACE_DATABASE_URL = Setting("HEADRACE_DATABASE_URL", "database")
HEADRACE_API_URL = Setting("HEADRACE_API_URL", "api_url")
HEADRACE_TASK_RUNNER_THREAD_POOL_MAX_WORKERS = Setting(
    "HEADRACE_TASK_RUNNER_THREAD_POOL_MAX_WORKERS", "thread_pool_max_workers"
)
#: Prefect's names for the same settings, so imports only change `prefect` -> `headrace`
#: (the environment variables read are still the `HEADRACE_*` ones)
HEADRACE_LOGGING_SETTINGS_PATH = Setting("HEADRACE_LOGGING_SETTINGS_PATH", "logging_settings_path")
PREFECT_HOME = HEADRACE_HOME
PREFECT_LOGGING_SETTINGS_PATH = HEADRACE_LOGGING_SETTINGS_PATH
PREFECT_LOGGING_LEVEL = HEADRACE_LOGGING_LEVEL
PREFECT_API_URL = HEADRACE_API_URL
_VARIABLES = frozenset(_OVERRIDABLE.values())


def _variable(key: Setting | str) -> str:
    """The environment variable behind a key: a Setting, a variable or a field name."""
    name = key.name if isinstance(key, Setting) else key
    if name in _VARIABLES:
        return name
    if name in _OVERRIDABLE:
        return _OVERRIDABLE[name]
    raise ValueError(f"unknown setting: {name!r}; known: {', '.join(sorted(_VARIABLES))}")


@contextmanager
def temporary_settings(
    updates: Mapping[Setting | str, object] | None = None,
    set_defaults: Mapping[Setting | str, object] | None = None,
    restore_defaults: Iterable[Setting | str] | None = None,
    **overrides: object,
) -> Iterator[Settings]:
    """Override settings for the duration of the block, then restore them.

    Keys are `Setting` objects, variable names or field names (`home=...`). `updates`
    (and keywords) set values, None meaning the default; `restore_defaults` returns
    settings to their defaults; `set_defaults` applies only to settings left unset
    (by the environment, after `restore_defaults`), and `updates` win over both.
    Every key is checked before anything changes.
    """
    wanted: dict[str, object] = {_variable(key): None for key in restore_defaults or ()}
    for key, value in (set_defaults or {}).items():
        var = _variable(key)
        if (wanted[var] if var in wanted else os.environ.get(var)) is None:
            wanted[var] = value
    for key, value in [*(updates or {}).items(), *overrides.items()]:
        wanted[_variable(key)] = value
    saved = {var: os.environ.get(var) for var in _VARIABLES}
    try:
        for var, value in wanted.items():
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
