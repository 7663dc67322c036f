"""Run `headrace migrate` over a corpus of real, public legacy Prefect repositories.

The corpus is a manifest (`migrate_corpus.json`: repository, commit, paths), never the
code itself: the files are read from local git snapshots (`--mirrors`, one bare or
normal repository per `owner+name` folder, as the team's fetch tool lays them out),
copied into a temporary folder and migrated there, one project per repository.

Printed: files and files/s, tool errors (a file whose input compiles but that could not
be migrated), dangling imports (a rewritten file importing a name the target does not
have), idempotence (a second run changes nothing) and TODOs per rule and per rewritten
file. `--split holdout` runs only the repositories kept aside while the rules were tuned.

Usage:
    python benchmarks/migrate_corpus.py [--split tuning|holdout|all] [--target prefect]
    python benchmarks/migrate_corpus.py manifest OWNER/NAME@COMMIT ...   # (re)build it
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "migrate_corpus.json"
MIRRORS = Path(os.environ.get("HEADRACE_MIRRORS", "/work/.mirror"))
#: at most this many files per repository, legacy-looking ones first
PER_REPO = 60
_LEGACY = (
    "with Flow(",
    "Flow(",
    "prefect.run_configs",
    "prefect.storage",
    "build_from_flow",
    "prefect.infrastructure",
    "prefect.filesystems",
    "prefect.engine",
    "Parameter(",
)


def git_dir(repo: str, mirrors: Path) -> Path:
    base = mirrors / repo.replace("/", "+") / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def git(gdir: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", f"--git-dir={gdir}", *args], check=True, capture_output=True
    ).stdout


# -- building the manifest -----------------------------------------------------------------
def select_paths(gdir: Path, commit: str, under: str = "") -> list[str]:
    """Python files mentioning prefect, legacy-looking ones first, at most PER_REPO."""
    listing = git(gdir, "grep", "-l", "-I", "prefect", commit, "--", "*.py").decode()
    paths = [line.split(":", 1)[1] for line in listing.splitlines() if ":" in line]
    paths = [p for p in paths if p.startswith(under)]

    def legacy(path: str) -> bool:
        text = git(gdir, "show", f"{commit}:{path}").decode("utf-8", "replace")
        return any(marker in text for marker in _LEGACY)

    ranked = sorted(paths, key=lambda p: (not legacy(p), p))
    chosen = set(ranked[:PER_REPO])
    every = set(git(gdir, "ls-tree", "-r", "--name-only", commit).decode().splitlines())
    # the project modules they import (a custom Flow class, say): migrate needs them too
    for path in list(chosen):
        text = git(gdir, "show", f"{commit}:{path}").decode("utf-8", "replace")
        chosen.update(p for p in local_imports(text, path) if p in every)
    return sorted(chosen)


def local_imports(text: str, path: str) -> set[str]:
    """Candidate file paths of the modules `text` imports (absolute and relative)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    package = path.split("/")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module.split(".") if node.module else []
            if node.level:
                base = package[: len(package) - (node.level - 1)] + base
            modules = [base] + [base + [a.name] for a in node.names]
        elif isinstance(node, ast.Import):
            modules = [a.name.split(".") for a in node.names]
        else:
            continue
        for parts in modules:
            if parts:
                found.add("/".join(parts) + ".py")
                found.add("/".join(parts) + "/__init__.py")
    return found


def build_manifest(specs: list[str], mirrors: Path, holdout_every: int) -> None:
    entries = []
    for i, spec in enumerate(specs):
        repo, _, rest = spec.partition("@")
        commit, _, under = rest.partition(":")
        gdir = git_dir(repo, mirrors)
        commit = git(gdir, "rev-parse", commit or "HEAD").decode().strip()
        paths = select_paths(gdir, commit, under)
        split = "holdout" if holdout_every and i % holdout_every == holdout_every - 1 else "tuning"
        entries.append({"repo": repo, "commit": commit, "split": split, "paths": paths})
        print(f"{repo}@{commit[:10]}: {len(paths)} files ({split})", file=sys.stderr)
    MANIFEST.write_text(json.dumps({"repositories": entries}, indent=1) + "\n")


# -- running ---------------------------------------------------------------------------------
def materialise(entry: dict, mirrors: Path, dest: Path) -> dict[str, str]:
    """Write the entry's files under dest; path -> original text (None when unreadable)."""
    gdir = git_dir(entry["repo"], mirrors)
    originals = {}
    for path in entry["paths"]:
        data = git(gdir, "show", f"{entry['commit']}:{path}")
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        originals[path] = data.decode("utf-8", "replace")
    return originals


def compiles(text: str) -> bool:
    try:
        compile(text, "<input>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


class TargetNames:
    """Does `module` (and `module.name`) exist in the target? headrace: import it for real;
    prefect: the vendored name list of Prefect's public modules."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.known: dict[str, bool] = {}
        if target == "prefect":
            from headrace.migrate.targets import prefect_names

            self.prefect = prefect_names()

    def exists(self, module: str, name: str | None = None) -> bool:
        key = f"{module}:{name}"
        if key not in self.known:
            self.known[key] = self._exists(module, name)
        return self.known[key]

    def _exists(self, module: str, name: str | None) -> bool:
        if self.target == "prefect":
            return (module if name is None else f"{module}.{name}") in self.prefect
        import importlib

        try:
            mod = importlib.import_module(module)
        except Exception:
            return False
        if name is None or hasattr(mod, name):
            return True
        try:
            importlib.import_module(f"{module}.{name}")
        except Exception:
            return False
        return True


def dangling(code: str, names: TargetNames) -> list[str]:
    """Imports of the target package (`headrace*` / `prefect*`) that do not resolve."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ["<does not parse>"]

    def checked(module: str) -> bool:
        top = module.split(".")[0]
        if names.target == "prefect":  # the name list covers prefect itself only
            return top == "prefect"
        return top.split("_")[0] == "headrace"

    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if not checked(node.module):
                continue
            for alias in node.names:
                if alias.name != "*" and not names.exists(node.module, alias.name):
                    bad.append(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if checked(alias.name) and not names.exists(alias.name):
                    bad.append(alias.name)
    return bad


def _shape(message: str) -> str:
    """A TODO message with its quoted values and names blurred, to group alike ones."""
    message = re.sub(r"(['\"]).*?\1", "'…'", message)
    return message[:90]


def run_corpus(args: argparse.Namespace) -> int:
    from headrace.migrate.runner import Options, run

    manifest = json.loads(Path(args.manifest).read_text())["repositories"]
    entries = [e for e in manifest if args.split == "all" or e["split"] == args.split]
    if args.repo:
        entries = [e for e in entries if e["repo"] in args.repo]
    names = TargetNames(args.target)
    totals: Counter = Counter()
    todo_rules: Counter = Counter()
    shapes: Counter = Counter()
    per_repo: dict[str, tuple[int, int]] = {}
    errors, dangling_names, not_idempotent = [], Counter(), []
    elapsed = 0.0
    with tempfile.TemporaryDirectory(prefix="migrate-corpus-") as tmp:
        for entry in entries:
            root = Path(tmp) / entry["repo"].replace("/", "+")
            originals = materialise(entry, args.mirrors, root)
            options = Options(target=args.target, jobs=args.jobs)
            start = time.perf_counter()
            report = run([str(root)], options)
            elapsed += time.perf_counter() - start
            totals["files"] += len(originals)
            for f in report.files:
                rel = Path(f.path).resolve().relative_to(root.resolve()).as_posix()
                original = originals.get(rel)
                if f.status == "failed":
                    if original is not None and compiles(original):
                        errors.append(f"{entry['repo']}/{rel}: {f.error}")
                        totals["tool errors"] += 1
                    else:
                        totals["input does not compile"] += 1
                    continue
                if f.status != "changed":
                    continue
                totals["rewritten"] += 1
                totals["todos"] += len(f.todos)
                todo_rules.update(t.code for t in f.todos)
                shapes.update(f"{t.code} {_shape(t.message)}" for t in f.todos)
                bad = dangling((root / rel).read_text(encoding="utf-8", errors="replace"), names)
                if bad:
                    totals["dangling files"] += 1
                    dangling_names.update(bad)
            per_repo[entry["repo"]] = (
                sum(1 for f in report.files if f.status == "changed"),
                sum(len(f.todos) for f in report.files if f.status == "changed"),
            )
            second = run([str(root)], Options(target=args.target, jobs=args.jobs, write=False))
            for f in second.files:
                if f.status == "changed":
                    not_idempotent.append(f"{entry['repo']}/{Path(f.path).name}")
    rewritten = totals["rewritten"] or 1
    print(f"corpus: {len(entries)} repositories ({args.split}), {totals['files']} files")
    print(f"migrated in {elapsed:.1f}s: {totals['files'] / max(elapsed, 1e-9):.1f} files/s")
    print(f"rewritten files: {totals['rewritten']}")
    print(f"input that does not compile: {totals['input does not compile']}")
    print(f"tool errors: {totals['tool errors']}")
    for line in errors[: args.show]:
        print(f"  {line}")
    print(f"rewritten files with dangling imports: {totals['dangling files']}")
    for name, n in dangling_names.most_common(args.show):
        print(f"  {n:5d}  {name}")
    print(f"not idempotent (second run changes): {len(not_idempotent)}")
    for line in not_idempotent[: args.show]:
        print(f"  {line}")
    print(f"TODOs: {totals['todos']} ({totals['todos'] / rewritten:.2f} per rewritten file)")
    for code, n in todo_rules.most_common():
        print(f"  {code:6s} {n:5d}")
    if args.per_repo:
        print("per repository (rewritten files, TODOs per rewritten file):")
        for repo, (files, todos) in sorted(per_repo.items(), key=lambda kv: -kv[1][1]):
            print(f"  {repo:55s} {files:4d}  {todos / max(files, 1):5.2f}")
    if args.shapes:
        print("most frequent TODO shapes:")
        for shape, n in shapes.most_common(args.shapes):
            print(f"  {n:5d}  {shape}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    **totals,
                    "todos_by_rule": dict(todo_rules),
                    "dangling": dict(dangling_names),
                    "errors": errors,
                    "not_idempotent": not_idempotent,
                    "seconds": elapsed,
                },
                indent=1,
            )
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=MIRRORS)
    parser.add_argument("--manifest", default=str(MANIFEST))
    sub = parser.add_subparsers(dest="command")
    build = sub.add_parser("manifest", help="write the manifest from OWNER/NAME[@COMMIT[:DIR]]")
    build.add_argument("specs", nargs="+")
    build.add_argument("--holdout-every", type=int, default=5)
    parser.add_argument("--split", choices=["tuning", "holdout", "all"], default="all")
    parser.add_argument("--target", choices=["headrace", "prefect"], default="headrace")
    parser.add_argument("-j", "--jobs", type=int, default=0)
    parser.add_argument("--show", type=int, default=15, help="examples listed per problem")
    parser.add_argument("--per-repo", action="store_true", help="TODOs per repository")
    parser.add_argument("--repo", action="append", help="only this repository (repeatable)")
    parser.add_argument("--shapes", type=int, default=0, help="list the N commonest TODOs")
    parser.add_argument("--json", help="also write the numbers as JSON")
    args = parser.parse_args(argv)
    if args.command == "manifest":
        build_manifest(args.specs, args.mirrors, args.holdout_every)
        return 0
    return run_corpus(args)


if __name__ == "__main__":
    sys.exit(main())
