"""Finding, reading and writing files without changing what the codemod did not change:
encoding (PEP 263 cookie or BOM), line endings and file mode are kept; writes are atomic."""

from __future__ import annotations

import io
import os
import tempfile
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

_SKIP_DIRS = {"__pycache__", "node_modules", "site-packages", "venv", "env", "build", "dist"}
_TEXT_NAMES = {"makefile", "gnumakefile", "procfile", "justfile"}
_TEXT_SUFFIXES = {".sh", ".bash", ".zsh", ".mk", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".env"}


@dataclass(frozen=True)
class SourceFile:
    """A Python file to consider: where it is, how to show it, its module name."""

    path: Path
    display: str
    module: str


def discover(paths: Iterable[str]) -> tuple[list[SourceFile], list[SourceFile]]:
    """(Python files, other text files worth scanning for legacy CLI commands)."""
    python: list[SourceFile] = []
    other: list[SourceFile] = []
    for raw in paths:
        top = Path(raw)
        if top.is_file():
            target = python if top.suffix == ".py" else other
            target.append(SourceFile(top, raw, top.stem))
            continue
        for path in _walk(top):
            rel = path.relative_to(top)
            display = str(top / rel) if raw not in (".", "./") else str(rel)
            if path.suffix == ".py":
                python.append(SourceFile(path, display, _module_name(rel)))
            elif _is_scanned_text(path):
                other.append(SourceFile(path, display, ""))
    return python, other


def _walk(top: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            yield Path(root, name)


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
