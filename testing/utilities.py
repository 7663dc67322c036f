"""The test harness: run flows against a throwaway store, home and settings.

`headrace_test_harness()` is the in-process counterpart of Prefect's
`prefect_test_harness()`: no server, no subprocess, a fresh store per use. Migrated code
keeps working through the `prefect_test_harness` alias.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from headrace import settings as _settings
from headrace.store import Store, get_store, set_store
from headrace.testing._tempdirs import temp_root
from headrace.testing._template import copy_template
from headrace.utilities import clock

#: environment variables the harness points elsewhere (or clears) while it is active
ISOLATED_ENV = ("HEADRACE_HOME", "HEADRACE_DATABASE", "HEADRACE_ENCRYPTION_KEY")

__all__ = ["HarnessInfo", "headrace_test_harness", "prefect_test_harness"]


class HarnessInfo:
    """What a harness isolated: its home directory and the database it points at."""

    __slots__ = ("home", "database")

    def __init__(self, home: Path, database: str) -> None:
        self.home = home
        self.database = database

    @property
    def store(self) -> Store:
        """The harness's store (opened on first use)."""
        return get_store()

    def __repr__(self) -> str:
        return f"HarnessInfo(home={str(self.home)!r}, database={self.database!r})"


@contextmanager
def headrace_test_harness(
    database: str | None = None, server_startup_timeout: int | None = None
) -> Iterator[HarnessInfo]:
    """Point headrace at a fresh store, `$HEADRACE_HOME` and settings for the block.

    `database` is `None` (a new SQLite file in the temporary home) or `":memory:"`.
    `server_startup_timeout` is accepted for code written against Prefect; there is no
    server to wait for. Everything is restored on exit, also when the block raises:
    the previous store, environment, settings cache, clock and sleep functions, and the
    plugin manager if the block changed it.
    """
    del server_startup_timeout
    home = Path(tempfile.mkdtemp(prefix="headrace-test-", dir=temp_root()))
    saved_env = {name: os.environ.get(name) for name in ISOLATED_ENV}
    # read, not swapped out and back: another thread may be reading the clock meanwhile
    saved_clock, saved_sleep = clock.get_clock(), clock.get_sleep()
    plugins_before = _plugin_state()
    if database is None:
        database = str(home / "headrace.db")
        try:
            copy_template(Path(database))
        except BaseException:
            shutil.rmtree(home, ignore_errors=True)
            raise
        os.environ.pop("HEADRACE_DATABASE", None)
    else:
        os.environ["HEADRACE_DATABASE"] = database
    os.environ["HEADRACE_HOME"] = str(home)
    os.environ.pop("HEADRACE_ENCRYPTION_KEY", None)
    previous_store = set_store(None)
    try:
        yield HarnessInfo(home, database)
    finally:
        ours = set_store(previous_store)
        if ours is not None and ours is not previous_store:
            ours.close()
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _forget_settings(str(home))
        clock.set_clock(saved_clock)
        clock.set_sleep(saved_sleep)
        if _plugin_state() != plugins_before:
            from headrace.plugins.manager import reset_plugin_manager

            reset_plugin_manager()
        shutil.rmtree(home, ignore_errors=True)


#: the name migrated Prefect code imports
prefect_test_harness = headrace_test_harness


def _forget_settings(home: str) -> None:
    """Drop the settings cached for the harness's environment (they name a deleted home)."""
    _settings.forget_cached_settings(home)


def _plugin_state() -> tuple[int, tuple[str, ...]] | None:
    """Which plugin manager is loaded and what it holds; None when plugins were never used.

    Looked up through `sys.modules` so that the harness never imports pluggy itself.
    """
    manager_module = sys.modules.get("headrace.plugins.manager")
    manager = manager_module.loaded_plugin_manager() if manager_module else None
    if manager is None:
        return None
    return id(manager), tuple(name for name, _ in manager.list_name_plugin())
