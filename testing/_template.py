"""A migrated, empty store database that each harness copies instead of migrating anew.

Creating and migrating a SQLite file costs a few milliseconds; copying a ready one costs
a tenth of that. The template lives in a per-process temporary directory (so pytest-xdist
workers never share it) and is rebuilt when a subsystem registers a new schema.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path

from headrace.store import open_store, registered_schema_count
from headrace.testing._tempdirs import temp_root

_lock = threading.Lock()
_template: Path | None = None
_template_schemas = -1


def _registered_schema_count() -> int:
    # the store has no public accessor for this; the count is all the template needs
    return registered_schema_count()


def _build(directory: Path) -> Path:
    path = directory / f"template-{_registered_schema_count()}.db"
    store = open_store(str(path))
    store.close()
    return path


def copy_template(target: Path) -> None:
    """Write an empty, fully migrated store database at `target`."""
    global _template, _template_schemas
    import headrace.store.runs  # noqa: F401 (registers the run-history schema)

    with _lock:
        wanted = _registered_schema_count()
        if _template is None or _template_schemas != wanted:
            directory = _template.parent if _template is not None else _new_directory()
            _template, _template_schemas = _build(directory), wanted
        template = _template
    shutil.copyfile(template, target)


def _new_directory() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="headrace-template-", dir=temp_root()))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory
