"""Finding, reading and writing files without changing what the codemod did not change:
encoding (PEP 263 cookie or BOM), line endings and file mode are kept; writes are atomic.

Only regular files are read: a FIFO, socket or device that happens to be named `*.py`
would block the run or have side effects when opened, so it is skipped and listed.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: folders of tools, caches and version control: never the project's own code. Other
#: hidden folders (`.github/`, `.ci/`, ...) are scanned: legacy scripts live there too.
SKIPPED_FOLDERS = {
    ".git": "version control",
    ".hg": "version control",
    ".svn": "version control",
    ".venv": "virtualenv",
    "venv": "virtualenv",
    ".tox": "tool cache",
    ".nox": "tool cache",
    ".mypy_cache": "tool cache",
    ".pytest_cache": "tool cache",
    ".ruff_cache": "tool cache",
    ".hypothesis": "tool cache",
    ".ipynb_checkpoints": "tool cache",
    ".eggs": "build output",
    "__pycache__": "bytecode cache",
    "node_modules": "node packages",
    "site-packages": "installed packages",
    "build": "build output",
    "dist": "build output",
}
_TEXT_NAMES = {"makefile", "gnumakefile", "procfile", "justfile"}
_TEXT_SUFFIXES = {".sh", ".bash", ".zsh", ".mk", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".env"}


@dataclass(frozen=True)
class SourceFile:
    """A Python file to consider: where it is, how to show it, its module name."""

    path: Path
    display: str
    module: str


@dataclass(frozen=True)
class Skipped:
    """A path the run did not look into, and why (shown in the summary)."""

    path: str
    reason: str


@dataclass
class Found:
    """What `discover` found: Python files, other text files worth scanning for legacy
    CLI commands, and what it skipped."""

    python: list[SourceFile] = field(default_factory=list)
    other: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class NotRegularFile(OSError):
    """A path that is a FIFO, socket, device or folder where a file was expected."""


def discover(paths: Iterable[str]) -> Found:
    """Walk `paths` (files or folders) for the files a run looks at."""
    found = Found()
    for raw in paths:
        top = Path(raw)
        if not top.is_dir():
            _add_file(found, top, raw, top.stem, explicit=True)
            continue
        for path, skipped in _walk(top):
            rel = path.relative_to(top)
            display = str(top / rel) if raw not in (".", "./") else str(rel)
            if skipped:
                found.skipped.append(Skipped(f"{display}/", skipped))
            else:
                _add_file(found, path, display, _module_name(rel), explicit=False)
    return found


def _add_file(found: Found, path: Path, display: str, module: str, explicit: bool) -> None:
    python = path.suffix == ".py"
    if not explicit and not python and not _is_scanned_text(path):
        return
    kind = _kind(path)
    if kind != "file":
        found.skipped.append(Skipped(display, kind))
    elif python:
        found.python.append(SourceFile(path, display, module))
    else:
        found.other.append(SourceFile(path, display, ""))


def _kind(path: Path) -> str:
    """ "file" for a regular file (or a link to one), else why it is not read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "does not exist (or a broken link)"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "a FIFO, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    return "not a regular file"


def _walk(top: Path) -> Iterator[tuple[Path, str]]:
    """(path, "") for each file; (folder, reason) for each folder left out."""
    for root, dirs, files in os.walk(top):
        kept = []
        for name in sorted(dirs):
            reason = _skipped_folder(Path(root, name))
            if reason:
                yield Path(root, name), reason
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            yield Path(root, name), ""


def _skipped_folder(path: Path) -> str:
    reason = SKIPPED_FOLDERS.get(path.name)
    if reason:
        return reason
    if path.name.endswith(".egg-info"):
        return "build output"
    if (path / "pyvenv.cfg").is_file():
        return "virtualenv"
    return ""


def _module_name(rel: Path) -> str:
    parts = list(rel.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_scanned_text(path: Path) -> bool:
    name = path.name.lower()
    if name in _TEXT_NAMES or name.startswith("dockerfile") or name.endswith(".dockerfile"):
        return True
    if name.startswith("requirements") and name.endswith(".txt"):
        return True
    return path.suffix.lower() in _TEXT_SUFFIXES


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file; NotRegularFile for anything else.

    The file was checked when it was found, but it may have been replaced since: the
    open does not block (a FIFO opens at once without a writer) and the check is
    repeated on the open descriptor before anything is read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"{path} is not a regular file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) using the file's own declaration; newlines are left as they are."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


def write_atomic(path: Path, text: str, encoding: str) -> None:
    """Write through a temporary file in the same folder, then rename over the original,
    keeping its permission bits. A symlink is followed: its target is rewritten."""
    if path.is_symlink():
        path = path.resolve()
    data = text.encode(encoding)
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
