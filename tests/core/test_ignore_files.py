"""Ignore files follow git's rules when a filesystem block uploads a directory."""

from __future__ import annotations

from pathlib import Path

from headrace.filesystems import LocalFileSystem


def _tree(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)


def test_put_directory_uses_gitignore_semantics(tmp_path: Path) -> None:
    source = tmp_path / "project"
    _tree(
        source,
        "flows.py",
        "dist/pkg.whl",
        "src/dist/keep.txt",
        "logs/a.log",
        "logs/keep.log",
        "build/out.o",
        "docs/build",
        "notes/deep/x.tmp",
    )
    ignore = tmp_path / ".headraceignore"
    ignore.write_text(
        "# comments and blank lines are skipped\n\n"
        "/dist\n"  # anchored: only the top-level dist/
        "*.log\n"
        "!keep.log\n"  # negation brings a file back
        "build/\n"  # a trailing slash: folders only (docs/build is a file)
        "**/*.tmp\n"
    )
    target = tmp_path / "uploaded"
    count = LocalFileSystem(basepath=str(target)).put_directory(
        local_path=str(source), ignore_file=str(ignore)
    )
    uploaded = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert uploaded == ["docs/build", "flows.py", "logs/keep.log", "src/dist/keep.txt"]
    assert count == 4
