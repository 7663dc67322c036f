"""Logging set up from one dictConfig YAML file, as Prefect does it.

The file is `HEADRACE_LOGGING_SETTINGS_PATH` (default `$HEADRACE_HOME/logging.yml`) when it
exists, else headrace's own `logging.yml` beside this module. `${SETTING}` placeholders
take settings' values; `HEADRACE_LOGGING_<PATH>` environment variables (or Prefect's
`PREFECT_LOGGING_<PATH>`) override single values. headrace's loggers propagate, so pytest's
`caplog` and an application's own root handlers see run logs; when the application has
configured the root logger already, headrace leaves it alone.
"""

from __future__ import annotations

import logging
import logging.config
import os
import re
import string
import threading
from pathlib import Path
from typing import Any

DEFAULT_LOGGING_SETTINGS_PATH = Path(__file__).with_name("logging.yml")

#: the configuration applied in this process (empty until the first `setup_logging`)
PROCESS_LOGGING_CONFIG: dict[str, Any] = {}

#: placeholder values that are not settings of their own
_PLACEHOLDER_DEFAULTS = {
    "HEADRACE_SERVER_LOGGING_LEVEL": "WARNING",
    "HEADRACE_INTERNAL_LOGGING_LEVEL": "ERROR",
}
_NOT_NAME = re.compile(r"[^0-9a-zA-Z]+")
_lock = threading.RLock()


def _placeholders() -> dict[str, str]:
    """`${NAME}` values: the settings in force, plus the environment's HEADRACE_* values,
    each also under its PREFECT_* name."""
    from headrace.settings import _OVERRIDABLE, get_settings

    settings = get_settings()
    values = dict(_PLACEHOLDER_DEFAULTS)
    values.update({k: v for k, v in os.environ.items() if k.startswith("HEADRACE_")})
    for field, variable in _OVERRIDABLE.items():
        value = getattr(settings, field, None)
        if value is not None:
            values[variable] = str(value)
    values.update({"PREFECT_" + k[len("HEADRACE_") :]: v for k, v in list(values.items())})
    return values


def _flatten(data: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(data, dict) and data:
        flat: dict[tuple[str, ...], Any] = {}
        for key, value in data.items():
            flat.update(_flatten(value, (*prefix, str(key))))
        return flat
    return {prefix: data}


def _unflatten(flat: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path, value in flat.items():
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return data


def load_logging_config(path: Path) -> dict[str, Any]:
    """Read a logging YAML file: placeholders filled, environment overrides applied."""
    import yaml

    text = string.Template(Path(path).read_text()).safe_substitute(_placeholders())
    config = yaml.safe_load(text) or {}
    if not isinstance(config, dict):
        raise ValueError(f"{path}: a logging configuration must be a mapping")
    flat = _flatten(config)
    for keys, value in flat.items():
        suffix = _NOT_NAME.sub("_", "_".join(keys)).upper()
        override = os.environ.get("HEADRACE_LOGGING_" + suffix) or os.environ.get(
            "PREFECT_LOGGING_" + suffix
        )
        if override:
            flat[keys] = override.split(",") if isinstance(value, list) else override
    return _unflatten(flat)


def _settings_path() -> Path:
    from headrace.settings import get_settings

    chosen = get_settings().logging_settings_path
    return chosen if chosen is not None and chosen.exists() else DEFAULT_LOGGING_SETTINGS_PATH


def _application_configured_root(config: dict[str, Any]) -> bool:
    """Whether someone else put handlers on the root logger (pytest's capture handlers
    and headrace's own do not count)."""
    ours = set(config.get("handlers") or {})
    for handler in logging.getLogger().handlers:
        name = type(handler).__name__
        if name == "LogCaptureHandler" or name.startswith("_") or handler.name in ours:
            continue
        if getattr(handler, "formatter", None) is not None:
            return True
    return False


def setup_logging(incremental: bool | None = None) -> dict[str, Any]:
    """Apply the logging file (again: `incremental`, only levels change); returns the
    configuration applied. Handlers that others attached to the configured loggers are
    kept (dictConfig alone would drop them)."""
    with _lock:
        path = _settings_path()
        config = load_logging_config(path)
        if incremental is None:
            incremental = bool(PROCESS_LOGGING_CONFIG)
        config.setdefault("incremental", incremental)
        if not config["incremental"] and _application_configured_root(config):
            config.pop("root", None)
        ours = set(config.get("handlers") or {})
        names = ["", *(config.get("loggers") or {})]
        kept = {
            name: [h for h in logging.getLogger(name).handlers if h.name not in ours]
            for name in names
        }
        try:
            logging.config.dictConfig(config)
        except (ValueError, TypeError, AttributeError, ImportError) as exc:
            if config["incremental"]:
                return setup_logging(incremental=False)
            raise ValueError(f"logging settings file {path}: {exc}") from None
        for name, handlers in kept.items():
            logger = logging.getLogger(name)
            for handler in handlers:
                if handler not in logger.handlers:
                    logger.addHandler(handler)
        PROCESS_LOGGING_CONFIG.clear()
        PROCESS_LOGGING_CONFIG.update(config)
        return config


def ensure_logging_setup() -> None:
    """`setup_logging()` unless it ran already in this process (cheap to call often)."""
    if not PROCESS_LOGGING_CONFIG:
        with _lock:
            if not PROCESS_LOGGING_CONFIG:
                setup_logging()
