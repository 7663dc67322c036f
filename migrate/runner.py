"""Running the codemod over many files: pre-filter, first pass, isolated per-file work.

A file that fails (does not parse, a rule breaks, its parse crashes the worker process,
or it takes longer than the per-file timeout) is reported and left untouched; it never
stops the others. Only regular files are read; everything left out is listed.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from headrace.migrate.files import Skipped, SourceFile, decode, discover, read_regular, write_atomic
from headrace.migrate.pool import Crash, run_isolated
from headrace.migrate.project import ProjectInfo, scan
from headrace.migrate.textscan import TextHit, scan_text

if TYPE_CHECKING:
    from headrace.migrate.rule import Rule
    from headrace.migrate.transform import Todo

#: seconds one file may take (parse, rules, write) before it is reported as failed
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class Options:
    """How to run: output target, what to do with changes, rules, parallelism."""

    #: rule classes in run order; None = every registered rule, filtered by only/skip
    rules: tuple[type[Rule], ...] | None = None
    only: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    target: str = "headrace"
    write: bool = True
    want_diff: bool = False
    flow_classes: tuple[str, ...] = ()
    jobs: int = 0
    timeout: float = DEFAULT_TIMEOUT


@dataclass
class FileReport:
    """The outcome for one Python file."""

    path: str
    status: str  # changed | unchanged | failed | skipped
    todos: list[Todo] = field(default_factory=list)
    error: str | None = None
    diff: str | None = None


@dataclass
class RunReport:
    """Everything a run found, for the summary and the JSON report."""

    files: list[FileReport] = field(default_factory=list)
    text_hits: list[TextHit] = field(default_factory=list)
    text_files: int = 0
    #: folders and special files that were not read (tool folders, FIFOs, ...)
    not_read: list[Skipped] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def todos_by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.files:
            for todo in f.todos:
                counts[todo.code] = counts.get(todo.code, 0) + 1
        for hit in self.text_hits:
            counts[hit.code] = counts.get(hit.code, 0) + 1
        return dict(sorted(counts.items()))


def run(
    paths: Iterable[str],
    options: Options,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> RunReport:
    """Migrate every Python file under `paths` and scan the other text files."""
    found = discover(paths)
    report = RunReport(not_read=found.skipped)
    probe = ProjectInfo()
    for dotted in options.flow_classes:
        probe.add_flow_class(dotted)
    tokens = [t.encode() for t in probe.tokens]
    candidates: list[tuple[SourceFile, bytes]] = []
    skipped: list[tuple[SourceFile, bytes]] = []
    for source in found.python:
        try:
            data = read_regular(source.path)
        except OSError as exc:
            report.files.append(FileReport(source.display, "failed", error=str(exc)))
            continue
        (candidates if any(t in data for t in tokens) else skipped).append((source, data))
    project = _first_pass(candidates, options)
    importers = [t.encode() for t in project.importer_tokens]
    pulled = [(s, d) for s, d in skipped if importers and any(t in d for t in importers)]
    if pulled:  # they import a flow, task or Flow class defined elsewhere: look again
        candidates += pulled
        project = _first_pass(candidates, options)
    for source, _ in skipped:
        if not any(source is s for s, _ in pulled):
            report.files.append(FileReport(source.display, "skipped"))
    jobs = [(s.path, s.display, s.module) for s, _ in candidates]
    if on_total:
        on_total(len(jobs))
    for result in _map(jobs, options, project):
        report.files.append(result)
        if progress:
            progress(1)
    for source in found.other:
        report.text_files += 1
        try:
            text = read_regular(source.path).decode("utf-8", errors="replace")
        except OSError:
            continue
        report.text_hits += scan_text(source.display, text, options.target)
    report.files.sort(key=lambda f: f.path)
    return report


def _first_pass(candidates: list[tuple[SourceFile, bytes]], options: Options) -> ProjectInfo:
    texts = []
    for source, data in candidates:
        try:
            texts.append((source.display, source.module, decode(data)[0]))
        except (SyntaxError, UnicodeDecodeError, LookupError):
            continue
    return scan(texts, list(options.flow_classes))


def _map(jobs: list, options: Options, project: ProjectInfo):
    """Each file in a worker process (even with -j 1): a parse that crashes or hangs
    costs that file only."""
    if not jobs:
        return
    rules = resolve_rules(options)
    import headrace.migrate.transform  # noqa: F401  (workers fork with it loaded)

    isolated = run_isolated(
        jobs,
        _process,
        workers=options.jobs or os.cpu_count() or 1,
        timeout=options.timeout,
        init=_init,
        init_args=(options, project, rules),
    )
    for (_, display, _), result in isolated:
        if isinstance(result, Crash):
            result = FileReport(display, "failed", error=result.message)
        yield result


_state: dict = {}


def _init(options: Options, project: ProjectInfo, rules: tuple) -> None:
    _state["options"] = options
    _state["project"] = project
    _state["rules"] = rules


def resolve_rules(options: Options) -> tuple:
    """The rule classes of a run (imports libcst: called only when a file needs migrating)."""
    if options.rules is not None:
        return options.rules
    from headrace.migrate.registry import all_rules, select

    return tuple(select(all_rules(), set(options.only), set(options.skip)))


def _process(job: tuple) -> FileReport:
    import libcst as cst  # only files that need migrating pay for libcst

    from headrace.migrate.transform import MigrationError, migrate_source

    path, display, module = job
    options: Options = _state["options"]
    try:
        text, encoding = decode(read_regular(path))
        result = migrate_source(
            text,
            list(_state["rules"]),
            target=options.target,
            path=display,
            module=module or None,
            project=_state["project"],
        )
    except cst.ParserSyntaxError as exc:
        return FileReport(display, "failed", error=f"does not parse: {_first_line(exc)}")
    except (MigrationError, SyntaxError, UnicodeDecodeError, LookupError, OSError) as exc:
        return FileReport(display, "failed", error=_first_line(exc))
    except RecursionError:
        return FileReport(display, "failed", error="nested too deeply to migrate (RecursionError)")
    except Exception as exc:  # a rule bug must not stop the run
        return FileReport(display, "failed", error=f"{type(exc).__name__}: {_first_line(exc)}")
    if not result.changed:
        return FileReport(display, "unchanged", todos=result.todos)
    diff = unified_diff(text, result.code, display) if options.want_diff else None
    if options.write:
        try:
            write_atomic(path, result.code, encoding)
        except OSError as exc:
            return FileReport(display, "failed", error=f"could not write: {exc}")
    return FileReport(display, "changed", todos=result.todos, diff=diff)


def unified_diff(before: str, after: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
