"""File safety: encodings, line endings, BOM, file mode, atomic writes."""

from __future__ import annotations

import json
import os
import stat

from headrace.migrate.files import decode, discover, write_atomic

LEGACY = "from prefect import task\n\n@task(max_retries=1)\ndef f():\n    return 'café'\n"


def test_crlf_line_endings_are_kept(tmp_path, cli) -> None:
    path = tmp_path / "crlf.py"
    path.write_bytes(LEGACY.replace("\n", "\r\n").encode())
    cli("migrate", str(path), "--target", "prefect")
    data = path.read_bytes()
    assert b"retries=1" in data and b"max_retries" not in data
    assert data.count(b"\r\n") == LEGACY.count("\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_declared_latin1_encoding_is_kept(tmp_path, cli) -> None:
    path = tmp_path / "latin.py"
    text = "# -*- coding: latin-1 -*-\n" + LEGACY
    path.write_bytes(text.encode("latin-1"))
    cli("migrate", str(path), "--target", "prefect")
    data = path.read_bytes()
    assert "café".encode("latin-1") in data
    assert data.decode("latin-1") == text.replace("max_retries", "retries")


def test_utf8_bom_is_kept(tmp_path, cli) -> None:
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbf" + LEGACY.encode())
    cli("migrate", str(path), "--target", "prefect")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode() == LEGACY.replace("max_retries", "retries")


def test_file_mode_is_kept_and_no_temporary_file_is_left(tmp_path, cli) -> None:
    path = tmp_path / "script.py"
    path.write_text(LEGACY)
    os.chmod(path, 0o750)
    cli("migrate", str(path), "--target", "prefect")
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["script.py"]


def test_write_atomic_replaces_and_keeps_mode(tmp_path) -> None:
    path = tmp_path / "x.py"
    path.write_text("old\n")
    os.chmod(path, 0o600)
    write_atomic(path, "new ü\n", "utf-8")
    assert path.read_text(encoding="utf-8") == "new ü\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_decode_reads_the_coding_cookie() -> None:
    text, encoding = decode("# coding: cp1252\nx = '€'\n".encode("cp1252"))
    assert encoding == "cp1252" and "€" in text


def test_discover_skips_tool_folders_but_reads_other_hidden_folders(tmp_path) -> None:
    for rel in (
        "a.py",
        "pkg/b.py",
        ".github/scripts/deploy_flows.py",
        ".git/c.py",
        ".venv/d.py",
        "env/lib/e.py",
        "env/pyvenv.cfg",
        "node_modules/f.py",
        ".tox/g.py",
        ".mypy_cache/h.py",
        "run.sh",
        "Dockerfile",
        "ci/deploy.yml",
        "requirements-dev.txt",
        "notes.txt",
    ):
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("")
    found = discover([str(tmp_path)])
    modules = sorted(p.module for p in found.python)
    assert modules == [".github.scripts.deploy_flows", "a", "pkg.b"]
    assert sorted(p.path.name for p in found.other) == [
        "Dockerfile",
        "deploy.yml",
        "requirements-dev.txt",
        "run.sh",
    ]
    skipped = {s.path[len(str(tmp_path)) + 1 :]: s.reason for s in found.skipped}
    assert skipped == {
        ".git/": "version control",
        ".mypy_cache/": "tool cache",
        ".tox/": "tool cache",
        ".venv/": "virtualenv",
        "env/": "virtualenv",
        "node_modules/": "node packages",
    }


def test_file_without_prefect_is_not_parsed(tmp_path, cli) -> None:
    path = tmp_path / "plain.py"
    path.write_text("def broken(:\n")  # would fail to parse, but is never parsed
    result = cli("migrate", str(path))
    assert result.exit_code == 0
    assert "1 skipped" in result.output


def test_symlinked_file_is_rewritten_through_the_link(tmp_path) -> None:
    target = tmp_path / "real.py"
    target.write_text("old\n")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    write_atomic(link, "new\n", "utf-8")
    assert link.is_symlink()
    assert target.read_text() == "new\n"


def test_hidden_folders_are_migrated_and_tool_folders_listed(tmp_path, cli) -> None:
    legacy = "from prefect import task\n\n@task(max_retries=1)\ndef f():\n    pass\n"
    for rel in (".github/scripts/deploy.py", ".git/hooks/x.py", ".venv/lib/y.py"):
        target = tmp_path / "repo" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(legacy)
    repo = tmp_path / "repo"
    report = tmp_path / "report.json"
    result = cli("migrate", str(repo), "--target", "prefect", "--report", str(report))
    assert result.exit_code == 1
    assert "retries=1" in (repo / ".github/scripts/deploy.py").read_text()
    assert (repo / ".git/hooks/x.py").read_text() == legacy
    assert (repo / ".venv/lib/y.py").read_text() == legacy
    assert f"not read {repo}/.git/: version control" in result.output
    assert f"not read {repo}/.venv/: virtualenv" in result.output
    data = json.loads(report.read_text())
    assert data["not_read"] == [
        {"path": f"{repo}/.git/", "reason": "version control"},
        {"path": f"{repo}/.venv/", "reason": "virtualenv"},
    ]
