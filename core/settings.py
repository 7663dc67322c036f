"""Settings: every value headrace reads from the environment, read and checked in one place.

Each setting has a `HEADRACE_*` environment variable and the `PREFECT_*` name Prefect users
already set (the `HEADRACE_*` one wins when both are set); a profile file
(`HEADRACE_PROFILES_PATH`, default `$HEADRACE_HOME/profiles.toml`) can give values the
environment does not. `get_current_settings()` parses all of them at once, so a bad value
fails at start with an error that names the variable, not deep inside a run.

Settings are cached per environment snapshot: a harness that changes `HEADRACE_HOME`, or
`temporary_settings`, is picked up without restarting the process. The module-level
`Setting` objects (`PREFECT_HOME`, `HEADRACE_HOME`, ...) are what `temporary_settings` and
`Setting.value()` take, as in Prefect.
"""

from __future__ import annotations

import contextvars
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any


class SettingsError(ValueError):
    """A setting's value is not valid; the message names the variable."""


# -- parsers ---------------------------------------------------------------------------
def _text(raw: str) -> str:
    return raw


def _optional_text(raw: str) -> str | None:
    return raw or None


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on", "t", "y"):
        return True
    if lowered in ("0", "false", "no", "off", "f", "n", ""):
        return False
    raise ValueError("expected true or false")


def _optional_bool(raw: str) -> bool | None:
    return None if raw.strip() == "" else _bool(raw)


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("expected a whole number") from None
    if value < 1:
        raise ValueError("expected a number of at least 1")
    return value


def _non_negative_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("expected a whole number") from None
    if value < 0:
        raise ValueError("expected a number of at least 0")
    return value


def _non_negative_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("expected a number of seconds") from None
    if value < 0:
        raise ValueError("expected a number of at least 0")
    return value


def _positive_float(raw: str) -> float:
    value = _non_negative_float(raw)
    if value <= 0:
        raise ValueError("expected a number greater than 0")
    return value


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _level(raw: str) -> str:
    level = raw.strip().upper()
    if level.isdigit():
        return level
    if level not in ("CRITICAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG", "NOTSET"):
        raise ValueError("expected a logging level (DEBUG, INFO, WARNING, ERROR, CRITICAL)")
    return level


def _secret(raw: str) -> Any:
    """A secret as pydantic's SecretStr (masked in every repr), as Prefect keeps them."""
    if not raw:
        return None
    from pydantic import SecretStr

    return SecretStr(raw)


def secret_text(value: Any) -> str | None:
    """The plain text of a secret setting's value (None stays None)."""
    return value.get_secret_value() if hasattr(value, "get_secret_value") else value


def _url(raw: str) -> str | None:
    # like Prefect, any text loads (profiles and tests carry placeholders such as "test");
    # `require_http_url` refuses a value that cannot work where a connection is made
    raw = raw.strip()
    return raw.rstrip("/") or None


def require_http_url(value: str, variable: str = "HEADRACE_API_URL") -> str:
    """`value` if it is an http(s) URL, else SettingsError naming the variable."""
    if not value.startswith(("http://", "https://")):
        raise SettingsError(f"{variable}={value!r}: expected an http:// or https:// URL")
    return value


def _csv(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


# -- the table -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Def:
    suffix: str  # HEADRACE_<suffix> / PREFECT_<suffix>
    path: str  # where it lives in get_current_settings(): "results.persist_by_default"
    parse: Callable[[str], Any]
    default: Any  # a value, or a callable of the settings parsed so far (in table order)
    secret: bool = False
    help: str = ""
    #: read straight from the environment by code that runs before settings are loaded
    #: (or once at import), so a profile cannot set it
    env_only: bool = False


def _home(values: dict[str, Any]) -> Path:
    return Path.home() / ".headrace"


_DEFS: tuple[_Def, ...] = (
    _Def(
        "HOME",
        "home",
        _path,
        _home,
        help="Where the store, results, logs and the profiles file live.",
    ),
    _Def(
        "PROFILES_PATH",
        "profiles_path",
        _path,
        lambda v: v["home"] / "profiles.toml",
        help="The profiles file (TOML) that `headrace config set` writes.",
    ),
    _Def(
        "PROFILE",
        "profile",
        _optional_text,
        None,
        help="The profile to use instead of the profiles file's active one.",
    ),
    _Def(
        "DEBUG_MODE",
        "debug_mode",
        _bool,
        False,
        help="Log more and keep tracebacks (Prefect's debug mode).",
    ),
    _Def(
        "TEST_MODE",
        "testing.test_mode",
        _bool,
        False,
        help="Set by test harnesses: runs use a throwaway store.",
    ),
    _Def(
        "LOGGING_LEVEL",
        "logging.level",
        _level,
        "INFO",
        help="Level of the headrace and run loggers.",
    ),
    _Def(
        "LOGGING_SETTINGS_PATH",
        "logging.config_path",
        _path,
        lambda v: v["home"] / "logging.yml",
        help="A logging dictConfig YAML file, used when it exists.",
    ),
    _Def(
        "LOGGING_EXTRA_LOGGERS",
        "logging.extra_loggers",
        _csv,
        (),
        help="More loggers (a,b) that get the run log handlers.",
    ),
    _Def(
        "LOGGING_LOG_PRINTS",
        "logging.log_prints",
        _bool,
        False,
        help="print() inside flows and tasks goes to the run log.",
    ),
    _Def("LOGGING_COLORS", "logging.colors", _bool, True, help="Colour the console log."),
    _Def(
        "LOGGING_MARKUP",
        "logging.markup",
        _bool,
        False,
        help="Interpret rich markup in console log messages.",
    ),
    _Def(
        "DATABASE",
        "server.database.legacy_path",
        _optional_text,
        None,
        help="Older name of HEADRACE_DATABASE_URL.",
    ),
    _Def(
        "DATABASE_URL",
        "server.database.connection_url",
        _optional_text,
        None,
        help="The store: a SQLite path or postgresql:// URL ($HEADRACE_HOME/headrace.db).",
    ),
    _Def("API_URL", "api.url", _url, None, help="A headrace server's API; unset: the local store."),
    _Def("API_KEY", "api.key", _secret, None, secret=True, help="Bearer token for the server."),
    _Def(
        "API_AUTH_STRING",
        "api.auth_string",
        _secret,
        None,
        secret=True,
        help="user:password for the server.",
    ),
    _Def(
        "UI_URL",
        "ui.url",
        _url,
        None,
        help="The web UI's address (default: from HEADRACE_API_URL).",
    ),
    _Def(
        "RESULTS_PERSIST_BY_DEFAULT",
        "results.persist_by_default",
        _bool,
        False,
        help="Persist every task and flow result unless told not to.",
    ),
    _Def(
        "RESULTS_DEFAULT_SERIALIZER",
        "results.default_serializer",
        _text,
        "pickle",
        help="Serializer of persisted results (pickle, json, ...).",
    ),
    _Def(
        "LOCAL_STORAGE_PATH",
        "results.local_storage_path",
        _path,
        lambda v: v["home"] / "storage",
        help="Where persisted results are written.",
    ),
    _Def(
        "DEFAULT_RESULT_STORAGE_BLOCK",
        "results.default_storage_block",
        _optional_text,
        None,
        help="A storage block (type/name) for results instead of files.",
    ),
    _Def(
        "TASKS_DEFAULT_PERSIST_RESULT",
        "tasks.default_persist_result",
        _optional_bool,
        None,
        help="Default persist_result of tasks (unset: decided per task).",
    ),
    _Def(
        "TASKS_REFRESH_CACHE",
        "tasks.refresh_cache",
        _bool,
        False,
        help="Ignore cached task results and recompute them.",
    ),
    _Def(
        "TASKS_DEFAULT_NO_CACHE",
        "tasks.default_no_cache",
        _bool,
        False,
        help="Tasks use no cache policy unless they name one.",
    ),
    _Def(
        "TASKS_DISABLE_CACHING",
        "tasks.disable_caching",
        _bool,
        False,
        help="Turn task result caching off everywhere.",
    ),
    _Def(
        "TASK_DEFAULT_RETRIES",
        "tasks.default_retries",
        _non_negative_int,
        0,
        help="Retries of a task that sets none.",
    ),
    _Def(
        "TASK_DEFAULT_RETRY_DELAY_SECONDS",
        "tasks.default_retry_delay_seconds",
        _non_negative_float,
        0.0,
        help="Seconds between retries of a task that sets none.",
    ),
    _Def(
        "TASK_RUNNER_THREAD_POOL_MAX_WORKERS",
        "tasks.runner.thread_pool_max_workers",
        _positive_int,
        32,
        help="Threads of the default task runner.",
    ),
    _Def(
        "TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS",
        "tasks.runner.process_pool_max_workers",
        _positive_int,
        lambda v: os.cpu_count() or 1,
        help="Processes of the process pool task runner.",
    ),
    _Def(
        "TASK_SCHEDULING_DEFAULT_STORAGE_BLOCK",
        "tasks.scheduling.default_storage_block",
        _optional_text,
        None,
        help="Storage block for background task parameters.",
    ),
    _Def(
        "FLOW_DEFAULT_RETRIES",
        "flows.default_retries",
        _non_negative_int,
        0,
        help="Retries of a flow that sets none.",
    ),
    _Def(
        "FLOW_DEFAULT_RETRY_DELAY_SECONDS",
        "flows.default_retry_delay_seconds",
        _non_negative_float,
        0.0,
        help="Seconds between retries of a flow that sets none.",
    ),
    # -- read by one module each (workers, serve, concurrency, the API client, the server)
    _Def(
        "API_REQUEST_TIMEOUT",
        "api.request_timeout",
        _positive_float,
        60.0,
        help="Seconds an API request to the server may take.",
    ),
    _Def(
        "API_BUFFER_RECORDS",
        "api.buffer_records",
        _positive_int,
        200_000,
        help="Run records buffered while the server cannot be reached.",
    ),
    _Def(
        "ENCRYPTION_KEY",
        "server.encryption_key",
        _optional_text,
        None,
        secret=True,
        help="Key for block secrets at rest (default: $HEADRACE_HOME/encryption.key).",
        env_only=True,
    ),
    _Def(
        "SERVER_ALLOWED_ORIGINS",
        "server.allowed_origins",
        _csv,
        (),
        help="Extra origins (a,b) allowed to change state through the server.",
    ),
    _Def(
        "WORKER_HEARTBEAT_SECONDS",
        "worker.heartbeat_seconds",
        _positive_float,
        10.0,
        help="How often a worker reports it is alive.",
    ),
    _Def(
        "WORKER_POLL_SECONDS",
        "worker.poll_seconds",
        _positive_float,
        2.0,
        help="How often a worker looks for runs.",
    ),
    _Def(
        "SERVE_POLL_SECONDS",
        "serve.poll_seconds",
        _positive_float,
        1.0,
        help="How often `serve` looks for scheduled runs at most.",
    ),
    _Def(
        "SERVE_SHUTDOWN_GRACE_SECONDS",
        "serve.shutdown_grace_seconds",
        _non_negative_float,
        30.0,
        help="How long `serve` lets running flows finish when stopped.",
    ),
    _Def(
        "CONCURRENCY_LEASE_SECONDS",
        "concurrency.lease_seconds",
        _positive_float,
        60.0,
        help="How long a concurrency slot is held without renewal.",
    ),
    _Def(
        "CONCURRENCY_POLL_MAX_SECONDS",
        "concurrency.poll_max_seconds",
        _positive_float,
        0.5,
        help="Longest wait between looks for a free concurrency slot.",
    ),
    _Def(
        "CONCURRENCY_TAG_CACHE_SECONDS",
        "concurrency.tag_cache_seconds",
        _non_negative_float,
        1.0,
        help="How long tag concurrency limits are cached.",
    ),
    # -- read from the environment only (at import, or before settings load)
    _Def(
        "STORE_LOCK_TIMEOUT",
        "store.lock_timeout",
        _non_negative_float,
        15.0,
        help="Seconds a write waits for the SQLite lock held by another process.",
        env_only=True,
    ),
    _Def(
        "DATABASE_POOL_SIZE",
        "server.database.pool_size",
        _positive_int,
        10,
        help="Connections a process opens to PostgreSQL at most.",
        env_only=True,
    ),
    _Def(
        "RUN_EVENTS",
        "events.run_events",
        _bool,
        True,
        help="Emit flow and task run state events.",
        env_only=True,
    ),
    _Def(
        "AUTOMATIONS",
        "automations.enabled",
        _bool,
        True,
        help="Let a server, serve process or worker evaluate automations.",
        env_only=True,
    ),
    _Def(
        "AUTOMATIONS_LEASE_SECONDS",
        "automations.lease_seconds",
        _positive_float,
        10.0,
        help="How long an automations evaluator's lease lasts without renewal.",
        env_only=True,
    ),
    _Def(
        "AUTOMATIONS_POLL_SECONDS",
        "automations.poll_seconds",
        _positive_float,
        0.1,
        help="How often an idle evaluator looks for new events.",
        env_only=True,
    ),
    _Def(
        "EVENTS_RETENTION_DAYS",
        "events.retention_days",
        _non_negative_float,
        7.0,
        help="Days evaluated events are kept (0: for ever).",
        env_only=True,
    ),
    _Def(
        "SERVER_LOGGING_LEVEL",
        "logging.server_level",
        _level,
        "WARNING",
        help="Level of the server's loggers.",
        env_only=True,
    ),
    _Def(
        "INTERNAL_LOGGING_LEVEL",
        "logging.internal_level",
        _level,
        "ERROR",
        help="Level of headrace's internal loggers.",
        env_only=True,
    ),
    _Def(
        "DISABLE_PLUGINS",
        "plugins.disabled",
        _csv,
        (),
        help="Plugins (a,b) not to load.",
        env_only=True,
    ),
    _Def(
        "DISABLE_PLUGIN_AUTOLOAD",
        "plugins.disable_autoload",
        _bool,
        False,
        help="Load no plugins from entry points.",
        env_only=True,
    ),
)
_BY_SUFFIX = {d.suffix: d for d in _DEFS}
_PREFIXES = ("HEADRACE_", "PREFECT_")
#: every variable read, HEADRACE_* first (it wins), as bytes keys of os.environ's own dict
_VARIABLES = tuple(prefix + d.suffix for d in _DEFS for prefix in _PREFIXES)


#: how a default computed from other settings is shown
_DEFAULT_TEXT = {
    "HOME": "~/.headrace",
    "PROFILES_PATH": "$HEADRACE_HOME/profiles.toml",
    "LOGGING_SETTINGS_PATH": "$HEADRACE_HOME/logging.yml",
    "LOCAL_STORAGE_PATH": "$HEADRACE_HOME/storage",
    "TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS": "the number of CPUs",
}


@dataclass(frozen=True)
class SettingDefinition:
    """What the CLI shows of one setting (a read-only view of the table)."""

    name: str  # HEADRACE_<suffix>
    prefect_name: str  # PREFECT_<suffix>
    default: str | None  # as text; None: unset
    help: str
    secret: bool
    #: False: read from the environment only, a profile cannot set it
    in_profiles: bool


def iter_setting_definitions() -> Iterator[SettingDefinition]:
    """Every setting headrace reads, in table order."""
    for d in _DEFS:
        default = _DEFAULT_TEXT.get(d.suffix, d.default)
        if isinstance(default, (list, tuple)):
            default = ",".join(default) or None
        elif isinstance(default, bool):
            default = "true" if default else "false"
        yield SettingDefinition(
            "HEADRACE_" + d.suffix,
            "PREFECT_" + d.suffix,
            None if default is None else str(default),
            d.help,
            d.secret,
            not d.env_only,
        )


def setting_name(name: str) -> str:
    """The `HEADRACE_*` name of a setting named either way (SettingsError if unknown)."""
    upper = name.strip().upper()
    for prefix in _PREFIXES:
        if upper.startswith(prefix) and upper[len(prefix) :] in _BY_SUFFIX:
            return "HEADRACE_" + upper[len(prefix) :]
    raise SettingsError(f"unknown setting {name!r}; see `headrace config view --show-defaults`")


def validate(name: str, text: str) -> None:
    """SettingsError (naming the variable, a secret's value masked) if `text` is not valid.

    Stricter than loading: a URL setting must be an http(s) URL here (what `config set`
    and `config validate` check), while loading accepts any text as Prefect does."""
    canonical = setting_name(name)
    d = _BY_SUFFIX[canonical[len("HEADRACE_") :]]
    try:
        value = d.parse(text)
    except ValueError as exc:
        shown = "********" if d.secret else repr(text)
        raise SettingsError(f"{name}={shown}: {exc}") from None
    if d.parse is _url and value:
        require_http_url(value, name)


@dataclass(frozen=True)
class Settings:
    """The settings headrace's own code reads on its hot paths (see `get_settings`)."""

    home: Path
    logging_level: str
    database: str
    thread_pool_max_workers: int
    #: the headrace server's API (`http://host:4200/api`); None: use `database` directly
    api_url: str | None = None
    #: a logging dictConfig YAML file, used instead of headrace's own when it exists
    logging_settings_path: Path | None = None
    #: the server's bearer token (the log filter masks it); never in the repr
    api_key: str | None = field(default=None, repr=False)

    @property
    def results_path(self) -> Path:
        """Default result storage: one file per persisted result or cache key."""
        return get_current_settings().results.local_storage_path


class SettingsSection(SimpleNamespace):
    """One section of the settings (`settings.logging`), read by attribute; the
    `model_*` methods are pydantic's, which Prefect's settings objects are."""

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Any:
        """A copy with some values replaced (sections stay shared unless `deep`)."""
        import copy

        fields = {k: v for k, v in vars(self).items() if not k.startswith("_")}
        if deep:
            fields = copy.deepcopy(fields)
        clone = type(self)(**{**fields, **(update or {})})
        for key, value in vars(self).items():
            if key.startswith("_"):
                setattr(clone, key, value)
        return clone

    def model_dump(self) -> dict[str, Any]:
        """The values as nested dicts (secrets as their masked objects)."""
        return {
            key: value.model_dump() if isinstance(value, SettingsSection) else value
            for key, value in vars(self).items()
            if not key.startswith("_")
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SettingsSection):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]


class CurrentSettings(SettingsSection):
    """All settings in force, by section (`settings.results.persist_by_default`)."""

    def to_environment_variables(self, exclude_unset: bool = False) -> dict[str, str]:
        """`HEADRACE_*` variables that reproduce these settings (e.g. for a subprocess)."""
        out = {}
        for d in _DEFS:
            value = _lookup(self, d.path)
            if value is None or (exclude_unset and d.suffix not in self._explicit):
                continue
            if isinstance(value, (list, tuple)):
                value = ",".join(value)
            out["HEADRACE_" + d.suffix] = str(secret_text(value))
        return out

    def __repr__(self) -> str:
        shown = []
        for d in _DEFS:
            value = _lookup(self, d.path)
            shown.append(f"{d.path}={'********' if d.secret and value else value!r}")
        return f"Settings({', '.join(shown)})"


def _lookup(root: Any, path: str) -> Any:
    for part in path.split("."):
        root = getattr(root, part)
    return root


def _snapshot_of(encoded: tuple[bytes, ...], names: tuple[str, ...]) -> tuple[Any, ...]:
    """The raw values of some variables (a cache key: compared, decoded only to parse)."""
    data = getattr(os.environ, "_data", None)
    if data is not None and os.name == "posix":
        # os.environ keeps bytes keys and values on POSIX: reading them directly is
        # several times cheaper than os.environ.get
        return tuple([data.get(key) for key in encoded])
    return tuple([os.environ.get(var) for var in names])


def _decode(raw: Any) -> str | None:
    return raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw


_ENCODED = tuple(var.encode() for var in _VARIABLES)
#: the variables behind `get_settings()` (its cache key): HOME, LOGGING_LEVEL, DATABASE,
#: DATABASE_URL, API_URL and the thread pool size, both spellings
_FLAT_SUFFIXES = (
    "HOME",
    "LOGGING_LEVEL",
    "DATABASE",
    "DATABASE_URL",
    "API_URL",
    "TASK_RUNNER_THREAD_POOL_MAX_WORKERS",
    "LOGGING_SETTINGS_PATH",
    "API_KEY",
)
_FLAT_VARIABLES = tuple(prefix + suffix for suffix in _FLAT_SUFFIXES for prefix in _PREFIXES)
_FLAT_ENCODED = tuple(var.encode() for var in _FLAT_VARIABLES)
_profile_paths: dict[tuple[Any, ...], str] = {}
_current_cache: dict[tuple[Any, ...], CurrentSettings] = {}
_flat_cache: dict[tuple[Any, ...], Settings] = {}


def _profile_values(profiles_path: Path, wanted: str | None) -> dict[str, str]:
    """The active profile's settings: `[profiles.NAME]` tables, `active = "NAME"` on top."""
    try:
        text = profiles_path.read_text()
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return {}
    import tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"profiles file {profiles_path}: not valid TOML ({exc})") from None
    name = wanted or document.get("active")
    if not name:
        return {}
    profiles = document.get("profiles") or {}
    if name not in profiles:
        if wanted:
            raise SettingsError(
                f"HEADRACE_PROFILE={wanted!r}: no such profile in {profiles_path} "
                f"(known: {', '.join(sorted(profiles)) or 'none'})"
            )
        return {}
    return {str(key): str(value) for key, value in profiles[name].items()}


def _parse(
    snapshot: tuple[str | None, ...],
    profile: Mapping[str, str] | None,
    overlay: _Overlay | None = None,
) -> tuple[dict[str, Any], set[str]]:
    """Each setting from, in order: a forced `use_profile` value, the environment, a
    `use_profile` value, the profiles file's active profile, the default."""
    forced: dict[str, tuple[str, str]] = {}
    preferred: dict[str, tuple[str, str]] = {}
    for name, text, force in overlay or ():
        (forced if force else preferred)[_suffix(name)] = (text, name)
    values: dict[str, Any] = {}
    explicit: set[str] = set()
    for index, d in enumerate(_DEFS):
        raw, variable = None, None
        if d.suffix in forced and not d.env_only:
            raw, variable = forced[d.suffix]
            variable += " (use_profile)"
        for offset, prefix in enumerate(_PREFIXES):
            candidate = snapshot[2 * index + offset]
            if raw is None and candidate is not None:
                raw, variable = candidate, prefix + d.suffix
                break
        if raw is None and d.suffix in preferred and not d.env_only:
            raw, variable = preferred[d.suffix]
            variable += " (use_profile)"
        if raw is None and profile and not d.env_only:
            for prefix in _PREFIXES:
                if prefix + d.suffix in profile:
                    variable = f"{prefix}{d.suffix} (profile)"
                    raw = profile[prefix + d.suffix]
                    break
        if raw is None:
            values[d.path] = d.default(values) if callable(d.default) else d.default
            continue
        try:
            values[d.path] = d.parse(raw)
        except ValueError as exc:
            shown = "********" if d.secret else repr(raw)
            raise SettingsError(f"{variable}={shown}: {exc}") from None
        explicit.add(d.suffix)
    return values, explicit


_BY_PATH = {d.path: d for d in _DEFS}


def parse_setting_value(path: str, value: Any) -> Any:
    """A value for the setting at `path` (`"api.url"`) from plain data, parsed as the
    environment's text would be; values of unknown paths are kept as given."""
    d = _BY_PATH.get(path)
    if d is None or value is None:
        return value
    try:
        return d.parse(_as_text(secret_text(value)))
    except ValueError as exc:
        shown = "********" if d.secret else repr(value)
        raise SettingsError(f"HEADRACE_{d.suffix}={shown}: {exc}") from None


#: settings that `use_profile` blocks apply in this context: (name, text, forced) each,
#: forced ones winning over the environment (`override_environment_variables=True`)
_Overlay = tuple[tuple[str, str, bool], ...]
_overlay: contextvars.ContextVar[_Overlay | None] = contextvars.ContextVar(
    "headrace_profile_overlay", default=None
)


@contextmanager
def apply_profile_settings(
    profile_settings: Mapping[Setting | str, Any],
    override_environment_variables: bool = False,
    include_current_context: bool = True,
) -> Iterator[CurrentSettings]:
    """Settings of a profile in force for the block, in this thread or async context only
    (what `headrace.context.use_profile` stands on): by default a variable set in the
    environment still wins, as in Prefect."""
    entries: dict[str, tuple[str, str, bool]] = {}
    if include_current_context:
        for name, text, force in _overlay.get() or ():
            entries[_suffix(name)] = (name, text, force)
    for key, value in profile_settings.items():
        name = getattr(key, "name", key)
        suffix = _suffix(key)
        text = _as_text(secret_text(value))
        try:
            _BY_SUFFIX[suffix].parse(text)
        except ValueError as exc:
            shown = "********" if _BY_SUFFIX[suffix].secret else repr(value)
            raise SettingsError(f"{name}={shown}: {exc}") from None
        entries[suffix] = (str(name), text, override_environment_variables)
    token = _overlay.set(tuple(entries.values()))
    try:
        yield get_current_settings()
    finally:
        _overlay.reset(token)


def get_current_settings() -> CurrentSettings:
    """All settings in force, parsed and checked (SettingsError names a bad variable)."""
    snapshot = _snapshot_of(_ENCODED, _VARIABLES)
    where = (snapshot[0], snapshot[1], snapshot[2], snapshot[3])  # HOME, PROFILES_PATH
    path = _profile_paths.get(where)
    if path is None:
        home, chosen = _decode(snapshot[0] or snapshot[1]), _decode(snapshot[2] or snapshot[3])
        root = Path(home).expanduser() if home else Path.home() / ".headrace"
        path = _profile_paths[where] = str(
            Path(chosen).expanduser() if chosen else root / "profiles.toml"
        )
    try:
        stamp: Any = os.stat(path).st_mtime_ns
    except OSError:
        stamp = None
    overlay = _overlay.get()
    key = (snapshot, path, stamp, overlay)
    current = _current_cache.get(key)
    if current is None:
        wanted = _decode(snapshot[4] or snapshot[5])  # HEADRACE_PROFILE / PREFECT_PROFILE
        profile = _profile_values(Path(path), wanted) if stamp is not None else {}
        values, explicit = _parse(tuple(_decode(raw) for raw in snapshot), profile, overlay)
        current = _build(values)
        current._explicit = frozenset(explicit)
        if len(_current_cache) > 64:
            _current_cache.clear()
        _current_cache[key] = current
    return current


# -- profiles ---------------------------------------------------------------------------
DEFAULT_PROFILES_PATH = Path.home() / ".headrace" / "profiles.toml"


def canonical_environment_prefix(settings: Any = None) -> str:
    """The prefix of the environment variables headrace writes (`HEADRACE_`)."""
    return "HEADRACE_"


@dataclass
class Profile:
    """A named set of settings (`{"PREFECT_API_URL": "http://..."}`) in the profiles file."""

    name: str
    settings: dict[str, Any]
    source: Path | None = None

    def validate_settings(self) -> None:
        """SettingsError naming the first unknown setting or bad value."""
        for key, value in self.settings.items():
            name = getattr(key, "name", key)
            try:
                d = _BY_SUFFIX[_suffix(key)]
            except ValueError as exc:
                raise SettingsError(f"profile {self.name!r}: {exc}") from None
            try:
                d.parse(_as_text(secret_text(value)))
            except ValueError as exc:
                shown = "********" if d.secret else repr(value)
                raise SettingsError(f"profile {self.name!r}: {name}={shown}: {exc}") from None

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Profile:
        """A copy with some fields replaced (pydantic's method: Prefect's profiles are
        pydantic models)."""
        import copy
        import dataclasses

        clone = copy.deepcopy(self) if deep else self
        return dataclasses.replace(clone, **(update or {}))


class ProfilesCollection:
    """The profiles of a profiles file and which one is active."""

    def __init__(self, profiles: Iterable[Profile], active: str | None = None) -> None:
        self.profiles_by_name = {profile.name: profile for profile in profiles}
        self.active_name = active

    @property
    def names(self) -> set[str]:
        return set(self.profiles_by_name)

    @property
    def active_profile(self) -> Profile | None:
        return self.profiles_by_name.get(self.active_name) if self.active_name else None

    def set_active(self, name: str | None) -> None:
        if name is not None and name not in self.profiles_by_name:
            raise ValueError(f"Unknown profile name {name!r}.")
        self.active_name = name

    def add_profile(self, profile: Profile) -> None:
        if profile.name in self.profiles_by_name:
            raise ValueError(f"Profile name {profile.name!r} already exists in collection.")
        self.profiles_by_name[profile.name] = profile

    def remove_profile(self, name: str) -> None:
        self.profiles_by_name.pop(name)

    def update_profile(self, name: str, settings: Mapping[str, Any]) -> Profile:
        """Merge `settings` into a profile (created if new); a None value removes one."""
        profile = self.profiles_by_name.get(name) or Profile(name, {})
        merged = {**profile.settings, **settings}
        profile = Profile(name, {k: v for k, v in merged.items() if v is not None}, profile.source)
        self.profiles_by_name[name] = profile
        return profile

    def __getitem__(self, name: str) -> Profile:
        return self.profiles_by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.profiles_by_name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "active": self.active_name,
            "profiles": {name: dict(p.settings) for name, p in self.profiles_by_name.items()},
        }


def _profiles_path() -> Path:
    """The profiles file, found without parsing the other settings (so that a bad value
    in the profile can still be unset)."""
    snapshot = _snapshot_of(_ENCODED[:4], _VARIABLES[:4])  # HOME, PROFILES_PATH
    home, chosen = _decode(snapshot[0] or snapshot[1]), _decode(snapshot[2] or snapshot[3])
    if chosen:
        return Path(chosen).expanduser()
    return (Path(home).expanduser() if home else Path.home() / ".headrace") / "profiles.toml"


def load_profiles(include_defaults: bool = True) -> ProfilesCollection:
    """The profiles in the profiles file (with a `default` profile if none exists)."""
    import tomllib

    path = _profiles_path()
    document: dict[str, Any] = {}
    if path.exists():
        try:
            document = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"profiles file {path}: not valid TOML ({exc})") from None
    profiles = [
        Profile(name, dict(values), path)
        for name, values in (document.get("profiles") or {}).items()
    ]
    collection = ProfilesCollection(profiles, active=document.get("active"))
    if include_defaults and "default" not in collection.names:
        collection.add_profile(Profile("default", {}))
        if collection.active_name is None:
            collection.active_name = "default"
    return collection


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))  # a TOML basic string is a JSON string


def save_profiles(profiles: ProfilesCollection) -> None:
    """Write the profiles file (atomically), then forget cached settings."""
    path = _profiles_path()
    lines = []
    if profiles.active_name:
        lines.append(f"active = {_toml_value(profiles.active_name)}")
    for name, profile in profiles.profiles_by_name.items():
        lines.append(f"\n[profiles.{json.dumps(name)}]")
        lines += [
            f"{getattr(key, 'name', key)} = {_toml_value(secret_text(value))}"
            for key, value in profile.settings.items()
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    # owner-only from the start: a profile may hold an API key
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        file.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
    forget_cached_settings()


def load_profile(name: str) -> Profile:
    profiles = load_profiles()
    if name not in profiles.names:
        raise ValueError(f"Profile {name!r} not found.")
    return profiles[name]


def load_current_profile() -> Profile:
    """The active profile (`HEADRACE_PROFILE`, else the file's `active`)."""
    profiles = load_profiles()
    wanted = os.environ.get("HEADRACE_PROFILE") or os.environ.get("PREFECT_PROFILE")
    name = wanted or profiles.active_name or "default"
    if name not in profiles.names:
        raise SettingsError(f"HEADRACE_PROFILE={name!r}: no such profile")
    return profiles[name]


def update_current_profile(settings: Mapping[Setting | str, Any]) -> Profile:
    """Set (None: remove) settings in the active profile and save the profiles file."""
    current = load_current_profile()
    profiles = load_profiles()
    named = {
        (key.name if isinstance(key, Setting) else str(key)): value
        for key, value in settings.items()
    }
    for key in named:
        _suffix(key)  # unknown names are refused before anything is written
    profile = profiles.update_profile(current.name, named)
    profile.validate_settings()
    save_profiles(profiles)
    return profile


def _build(values: Mapping[str, Any]) -> CurrentSettings:
    root = CurrentSettings()
    for dotted, value in values.items():
        node: Any = root
        *sections, leaf = dotted.split(".")
        for section in sections:
            if not hasattr(node, section):
                setattr(node, section, SettingsSection())
            node = getattr(node, section)
        setattr(node, leaf, value)
    return root


def get_settings() -> Settings:
    """The settings headrace's runtime reads (cached per environment)."""
    snapshot = _snapshot_of(_FLAT_ENCODED, _FLAT_VARIABLES)
    overlay = _overlay.get()
    if overlay is not None:
        snapshot = (*snapshot, overlay)
    settings = _flat_cache.get(snapshot)
    if settings is None:
        current = get_current_settings()
        home = current.home
        database = (
            current.server.database.connection_url
            or current.server.database.legacy_path
            or str(home / "headrace.db")
        )
        settings = Settings(
            home=home,
            logging_level=current.logging.level,
            database=database,
            api_url=current.api.url,
            thread_pool_max_workers=current.tasks.runner.thread_pool_max_workers,
            logging_settings_path=current.logging.config_path,
            api_key=secret_text(current.api.key),
        )
        if len(_flat_cache) > 64:
            _flat_cache.clear()
        _flat_cache[snapshot] = settings
    return settings


def forget_cached_settings(home: str | None = None) -> None:
    """Drop cached settings (only those naming `home`, if given), e.g. after deleting it."""
    for cache in (_flat_cache, _current_cache):
        for key in list(cache):
            if home is None or home in repr(key):
                cache.pop(key, None)


# -- setting objects -------------------------------------------------------------------
class Setting:
    """One setting, named after its environment variable (Prefect's `PREFECT_*` objects).

    Usable as a key of `temporary_settings({PREFECT_HOME: path})`; `.value()` reads the
    value in force now. `PREFECT_HOME` and `HEADRACE_HOME` are two spellings of one
    setting: the same value, each keeping its own `name` (so a profile written with
    Prefect's names is saved and shown with them). As a dict key a setting stands for its
    name, so `{PREFECT_HOME: v} == {"PREFECT_HOME": v}`, as in profiles read from a file.
    """

    __slots__ = ("name", "_def", "_default")

    def __init__(self, name: str, definition: _Def) -> None:
        self.name = name
        self._def = definition
        #: the default value, or a function of the settings parsed before it
        self._default = definition.default

    @property
    def field(self) -> str:
        return self._def.path

    @property
    def accessor(self) -> str:
        """Where it lives in `get_current_settings()` (`"api.url"`), Prefect's name."""
        return self._def.path

    def value(self) -> Any:
        return self.value_from(get_current_settings())

    def value_from(self, settings: Any) -> Any:
        """The value in `settings` (a secret's plain text, as in Prefect)."""
        value = _lookup(settings, self._def.path)
        return value.get_secret_value() if hasattr(value, "get_secret_value") else value

    def default(self) -> Any:
        default = self._default
        return default({"home": Path.home() / ".headrace"}) if callable(default) else default

    @property
    def is_secret(self) -> bool:
        return self._def.secret

    def __repr__(self) -> str:
        return f"<Setting {self.name}>"

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Setting):
            return other.name == self.name
        if isinstance(other, str):
            return other == self.name
        return NotImplemented

    def __bool__(self) -> bool:
        """Prefect 2 code wrote `if PREFECT_X:` meaning its value."""
        return bool(self.value())


#: the Setting object of each name (each spelling its own object, the same setting)
_SETTINGS: dict[str, Setting] = {
    prefix + _d.suffix: Setting(prefix + _d.suffix, _d) for _d in _DEFS for prefix in _PREFIXES
}
globals().update(_SETTINGS)

#: headrace's older names for some settings' fields (`temporary_settings(home=...)`)
_FIELD_NAMES = {
    "home": "HOME",
    "logging_level": "LOGGING_LEVEL",
    "database": "DATABASE",
    "database_url": "DATABASE_URL",
    "api_url": "API_URL",
    "thread_pool_max_workers": "TASK_RUNNER_THREAD_POOL_MAX_WORKERS",
    "logging_settings_path": "LOGGING_SETTINGS_PATH",
}
#: flat `Settings` field -> its variable (the logging configuration's placeholders use it)
_OVERRIDABLE = {field: "HEADRACE_" + suffix for field, suffix in _FIELD_NAMES.items()}
#: Prefect 2 names still seen in user code
PREFECT_ORION_UI_URL = _SETTINGS["PREFECT_UI_URL"]


def _suffix(key: Setting | str) -> str:
    """The setting a key names: a Setting, either variable name, or an old field name."""
    if isinstance(key, Setting):
        return key._def.suffix
    name = getattr(key, "name", key)
    if isinstance(name, str):
        if name in _FIELD_NAMES:
            return _FIELD_NAMES[name]
        for prefix in _PREFIXES:
            if name.startswith(prefix) and name[len(prefix) :] in _BY_SUFFIX:
                return name[len(prefix) :]
    raise ValueError(
        f"unknown setting: {key!r}; known: "
        + ", ".join(sorted("HEADRACE_" + d.suffix for d in _DEFS))
    )


def __getattr__(name: str) -> Any:
    if name.startswith(("PREFECT_", "HEADRACE_")):
        raise AttributeError(
            f"headrace has no setting {name}: the settings it reads are listed in "
            "docs/compatibility.md (Settings)"
        )
    raise AttributeError(f"module 'headrace.settings' has no attribute {name!r}")


@contextmanager
def temporary_settings(
    updates: Mapping[Setting | str, object] | None = None,
    set_defaults: Mapping[Setting | str, object] | None = None,
    restore_defaults: Iterable[Setting | str] | None = None,
    **overrides: object,
) -> Iterator[CurrentSettings]:
    """Override settings for the duration of the block, then restore them.

    Keys are `Setting` objects, variable names (`PREFECT_*` or `HEADRACE_*`) or field
    names (`home=...`). `updates` (and keywords) set values, None meaning the default;
    `restore_defaults` returns settings to their defaults; `set_defaults` applies only to
    settings left unset (by the environment, after `restore_defaults`), and `updates`
    win over both. Every key and value is checked before anything changes.
    """
    wanted: dict[str, object] = {_suffix(key): None for key in restore_defaults or ()}
    #: the spelling each setting is written under (the key's own; HEADRACE_ by default)
    spelled: dict[str, str] = {}
    for key, value in (set_defaults or {}).items():
        suffix = _suffix(key)
        current = (
            wanted[suffix]
            if suffix in wanted
            else os.environ.get("HEADRACE_" + suffix, os.environ.get("PREFECT_" + suffix))
        )
        if current is None:
            wanted[suffix] = value
            spelled[suffix] = _spelling(key)
    for key, value in [*(updates or {}).items(), *overrides.items()]:
        suffix = _suffix(key)
        wanted[suffix] = value
        spelled[suffix] = _spelling(key)
    for suffix, value in wanted.items():
        if value is not None:
            try:
                _BY_SUFFIX[suffix].parse(_as_text(value))
            except ValueError as exc:
                raise SettingsError(f"HEADRACE_{suffix}={value!r}: {exc}") from None
    saved = {var: os.environ.get(var) for var in _VARIABLES}
    try:
        for suffix, value in wanted.items():
            for prefix in _PREFIXES:
                os.environ.pop(prefix + suffix, None)
            if value is not None:
                os.environ[spelled.get(suffix, "HEADRACE_") + suffix] = _as_text(value)
        _notify_change()
        yield get_current_settings()
    finally:
        _notify_change()
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value
        _notify_change()


def _spelling(key: Setting | str) -> str:
    """The prefix a key is spelled with (`PREFECT_` for PREFECT_HOME), else HEADRACE_."""
    name = getattr(key, "name", key)
    return "PREFECT_" if isinstance(name, str) and name.startswith("PREFECT_") else "HEADRACE_"


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set)):
        return ",".join(str(item) for item in value)
    return str(value)


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
