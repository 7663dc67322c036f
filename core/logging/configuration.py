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

_NOT_NAME = re.compile(r"[^0-9a-zA-Z]+")
_lock = threading.RLock()

#: Prefect's root logger name: in a logging file and for `logging.getLogger`, `prefect` and
#: `prefect.X` are headrace's `headrace` and `headrace.X` (the same logger objects)
PREFECT_ROOT = "prefect"
#: Prefect loggers that users configure by name, aliased even when a file does not name them
_PREFECT_LOGGERS = ("prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.extra")


def _placeholders() -> dict[str, str]:
    """`${NAME}` values: every setting in force, under its HEADRACE_* and PREFECT_* names
    and the aliases Prefect accepts (`PREFECT_LOGGING_SERVER_LEVEL`)."""
    from headrace.settings import PREFECT_ALIASES, get_current_settings

    values = get_current_settings().to_environment_variables()
    values.update({"PREFECT_" + k[len("HEADRACE_") :]: v for k, v in list(values.items())})
    for alias, suffix in PREFECT_ALIASES.items():
        if "HEADRACE_" + suffix in values:
            for prefix in ("HEADRACE_", "PREFECT_"):
                values[prefix + alias] = values["HEADRACE_" + suffix]
    return values


def headrace_logger_name(name: str) -> str:
    """The headrace logger a (Prefect) logger name stands for: `prefect.flow_runs` is
    `headrace.flow_runs`; other names are themselves."""
    if name == PREFECT_ROOT or name.startswith(PREFECT_ROOT + "."):
        return "headrace" + name[len(PREFECT_ROOT) :]
    return name


def alias_prefect_loggers(names: Any = ()) -> None:
    """Make `logging.getLogger("prefect...")` return headrace's logger of that name, so
    that code and logging files written for Prefect configure headrace's loggers. A real
    logger already made under a Prefect name hands its handlers, filters and level over."""
    manager = logging.Logger.manager
    wanted = [n for n in (*_PREFECT_LOGGERS, *names) if headrace_logger_name(n) != n]
    changed = False
    for name in wanted:
        target = logging.getLogger(headrace_logger_name(name))
        existing = manager.loggerDict.get(name)
        if existing is target:
            continue
        if isinstance(existing, logging.Logger):
            for handler in existing.handlers:
                if handler not in target.handlers:
                    target.addHandler(handler)
            for filter_ in existing.filters:
                target.addFilter(filter_)
            if existing.level:
                target.setLevel(existing.level)
        manager.loggerDict[name] = target
        changed = True
    if changed:
        _fix_parents(manager)


def _fix_parents(manager: logging.Manager) -> None:
    """Give every `prefect.*` logger its nearest existing ancestor as parent (what
    logging does when it makes a logger), after aliases replaced some ancestors."""
    for name, logger in list(manager.loggerDict.items()):
        if not isinstance(logger, logging.Logger) or not name.startswith(PREFECT_ROOT + "."):
            continue
        if logger.name != name:  # an alias itself
            continue
        parent: logging.Logger = logging.getLogger()
        parts = name.split(".")
        for end in range(len(parts) - 1, 0, -1):
            candidate = manager.loggerDict.get(".".join(parts[:end]))
            if isinstance(candidate, logging.Logger):
                parent = candidate
                break
        logger.parent = parent


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
        elif keys[-1] in ("class", "()") and isinstance(value, str):
            # a file written for Prefect names Prefect's classes: headrace's, same names
            flat[keys] = headrace_logger_name(value)
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
        alias_prefect_loggers(names)
        kept = {
            name: [h for h in logging.getLogger(name).handlers if h.name not in ours]
            for name in names
        }
        try:
            _dict_config(config)
        except (ValueError, TypeError, AttributeError, ImportError) as exc:
            if config["incremental"]:
                return setup_logging(incremental=False)
            raise ValueError(f"logging settings file {path}: {exc}") from None
        # `disable_existing_loggers` may have reached a configured logger under its other
        # name (`headrace` for `prefect`), and never silences the run loggers, whose
        # records are the run history
        for name in [*names[1:], *_RUN_LOGGERS]:
            logging.getLogger(name).disabled = False
        for name, handlers in kept.items():
            logger = logging.getLogger(name)
            for handler in handlers:
                if handler not in logger.handlers:
                    logger.addHandler(handler)
        for name in _RUN_LOGGERS:
            mask_api_key(logging.getLogger(name))
        if not config["incremental"]:
            _attach_extra_loggers()
        PROCESS_LOGGING_CONFIG.clear()
        PROCESS_LOGGING_CONFIG.update(config)
        return config


#: the loggers of flow and task runs
_RUN_LOGGERS = ("headrace.flow_runs", "headrace.task_runs")


def _dict_config(config: dict[str, Any]) -> None:
    """`logging.config.dictConfig`, taking a file that leaves out `version` (a fragment
    such as `loggers: {prefect: {level: DEBUG}}`) as version 1, the only one there is."""
    try:
        logging.config.dictConfig(config)
    except ValueError as exc:
        if "version" in config or "version" not in str(exc):
            raise
        config["version"] = 1
        logging.config.dictConfig(config)


def mask_api_key(logger: logging.Logger) -> logging.Logger:
    """Mask the API key in what `logger` itself logs, before any handler sees the record
    (handlers the application adds, pytest's caplog, in whatever order); idempotent."""
    from headrace.logging.filters import ObfuscateApiKeyFilter

    if not any(isinstance(f, ObfuscateApiKeyFilter) for f in logger.filters):
        logger.addFilter(ObfuscateApiKeyFilter())
    return logger


def _attach_extra_loggers() -> None:
    """Give the loggers named by HEADRACE_LOGGING_EXTRA_LOGGERS (a library's own) the
    handlers of `headrace.extra` (`prefect.extra` in a logging file); their levels stay
    theirs."""
    from headrace.settings import get_current_settings

    handlers = logging.getLogger("headrace.extra").handlers
    for name in get_current_settings().logging.extra_loggers:
        logger = logging.getLogger(name)
        for handler in handlers:
            if handler not in logger.handlers:
                logger.addHandler(handler)


def ensure_logging_setup() -> None:
    """`setup_logging()` unless it ran already in this process (cheap to call often)."""
    if not PROCESS_LOGGING_CONFIG:
        with _lock:
            if not PROCESS_LOGGING_CONFIG:
                setup_logging()
