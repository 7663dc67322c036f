"""The `headrace migrate` command."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from headrace.migrate.registry import all_rules, select
from headrace.migrate.report import wants_diff, write_report
from headrace.migrate.runner import DEFAULT_TIMEOUT, Options, resolve_rules, run, unified_diff
from headrace.migrate.summary import print_summary
from headrace.migrate.textscan import TEXT_RULES

#: show a progress bar from this many files to migrate
_PROGRESS_FROM = 50


class _MigrateCommand(click.Command):
    """`headrace migrate PATH...`, plus subcommands named in place of the first path (a
    folder of that name is reached as `./NAME`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.subcommands: dict[str, click.Command] = {}

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in self.subcommands:
            ctx.meta["headrace.migrate.subcommand"] = (args[0], args[1:])
            return []
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        chosen = ctx.meta.pop("headrace.migrate.subcommand", None)
        if chosen is None:
            return super().invoke(ctx)
        name, args = chosen
        command = self.subcommands[name]
        with command.make_context(name, list(args), parent=ctx) as sub:
            return command.invoke(sub)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Subcommands"):
            formatter.write_dl(
                [(name, cmd.get_short_help_str()) for name, cmd in self.subcommands.items()]
            )


def _codes(values: tuple[str, ...]) -> set[str]:
    return {c.strip() for v in values for c in v.split(",") if c.strip()}


@click.command(cls=_MigrateCommand)
@click.argument("paths", nargs=-1, required=False)
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff, write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if anything would change.")
@click.option(
    "--target",
    type=click.Choice(["headrace", "prefect"]),
    default="headrace",
    show_default=True,
    help="Import root of the output (prefect: stay on Prefect 3).",
)
@click.option(
    "--flow-class",
    "flow_classes",
    multiple=True,
    metavar="DOTTED",
    help="A project's own Flow class to treat like prefect.Flow (repeatable).",
)
@click.option(
    "--only", multiple=True, metavar="RULES", help="Run only these rules (codes, comma-separated)."
)
@click.option("--skip", multiple=True, metavar="RULES", help="Do not run these rules.")
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (default: cores).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds one file may take before it is reported as failed.",
)
@click.option(
    "--report",
    "report_path",
    metavar="FILE",
    help="Write a report: .md or .html for reviewers (TODOs, risk, diffs), else JSON.",
)
@click.option("--exit-zero-even-if-changed", is_flag=True, help="Exit 0 when files were rewritten.")
def migrate(
    paths: tuple[str, ...],
    show_diff: bool,
    check: bool,
    target: str,
    flow_classes: tuple[str, ...],
    only: tuple[str, ...],
    skip: tuple[str, ...],
    list_rules: bool,
    jobs: int,
    timeout: float,
    report_path: str | None,
    exit_zero_even_if_changed: bool,
) -> None:
    """Upgrade Prefect 1.x / 2.x code under PATHS to the current API (`-` = stdin).

    Rewrites files in place unless --diff or --check is given. Tool and VCS folders
    (.git, .venv, node_modules, ...) and anything that is not a regular file are not read;
    the summary lists them.

    \b
    Exit status:
      0  nothing changed (or would change)
      1  files were rewritten, or would be with --diff/--check
      2  some file could not be migrated (it does not parse, a rule failed, its parse
         crashed or timed out); the other files were migrated; also a usage error
    """
    chosen, dropped = _codes(only), _codes(skip)
    if list_rules:
        for rule in [*all_rules(), *TEXT_RULES]:
            click.echo(f"{rule.code:<5} {rule.name:<28} {rule.summary}")
        return
    if not paths:
        raise click.UsageError("give at least one PATH (or - for stdin)")
    if paths == ("-",):
        rules = select(all_rules(), chosen, dropped)
        _stdin(rules, target, flow_classes, show_diff, check, exit_zero_even_if_changed)
        return
    options = Options(
        only=frozenset(chosen),
        skip=frozenset(dropped),
        target=target,
        write=not (show_diff or check),
        want_diff=show_diff or wants_diff(report_path),
        flow_classes=flow_classes,
        jobs=jobs,
        timeout=timeout,
    )
    console = Console(stderr=True, soft_wrap=True)
    report = _run_with_progress(paths, options, console)
    for f in report.files:
        if f.diff and show_diff:
            _print_diff(f.diff)
        elif f.status == "changed" and check:
            click.echo(f"would rewrite {f.path}", err=True)
    verb = "rewritten" if options.write else "would change"
    names = _rule_names(report, options)
    print_summary(report, names, console, verb)
    if report_path:
        write_report(report, names, report_path)
    if report.count("failed"):
        sys.exit(2)
    if report.count("changed") and not exit_zero_even_if_changed:
        sys.exit(1)


def _rule_names(report, options: Options) -> dict[str, str]:
    """Rule code -> name for the summary (loads the rules only when TODOs were left)."""
    names = {rule.code: rule.name for rule in TEXT_RULES}
    if any(f.todos for f in report.files):
        names.update({rule.code: rule.name for rule in resolve_rules(options)})
    return names


def _run_with_progress(paths, options: Options, console: Console):
    if not console.is_terminal:
        return run(paths, options)
    columns = (TextColumn("migrating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("migrate", total=None, visible=False)

        def on_total(total: int) -> None:
            bar.update(task, total=total, visible=total >= _PROGRESS_FROM)

        return run(paths, options, progress=lambda n: bar.advance(task, n), on_total=on_total)


def _print_diff(diff: str) -> None:
    colours = {"+": "green", "-": "red", "@": "cyan"}
    for line in diff.splitlines():
        header = line.startswith(("+++", "---"))
        click.secho(line, fg=None if header else colours.get(line[:1]), bold=header)


def _stdin(rules, target, flow_classes, show_diff, check, exit_zero) -> None:
    import libcst as cst

    from headrace.migrate.project import scan
    from headrace.migrate.transform import MigrationError, migrate_source

    source = sys.stdin.read()
    project = scan([("<stdin>", "", source)], list(flow_classes))
    try:
        result = migrate_source(source, rules, target=target, path="<stdin>", project=project)
    except (cst.ParserSyntaxError, MigrationError) as exc:
        click.echo(f"failed <stdin>: {str(exc).splitlines()[0]}", err=True)
        if not (show_diff or check):
            sys.stdout.write(source)
        sys.exit(2)
    if show_diff:
        _print_diff(unified_diff(source, result.code, "<stdin>"))
    elif not check:
        sys.stdout.write(result.code)
    for todo in result.todos:
        click.echo(f"<stdin>:{todo.line}: {todo.code} {todo.message}", err=True)
    if result.changed and not exit_zero:
        sys.exit(1)


@click.command("blocks-to-variables")
@click.option("--keep-blocks", is_flag=True, help="Copy: leave the block documents in place.")
@click.option("--overwrite", is_flag=True, help="Replace variables that hold another value.")
@click.option("--dry-run", is_flag=True, help="Say what would move, change nothing.")
def blocks_to_variables(keep_blocks: bool, overwrite: bool, dry_run: bool) -> None:
    """Move saved JSON and String blocks in the store to variables of the same name.

    The code side is rule P208 (`JSON.load("x").value` -> `Variable.get("x")`). Exit
    status 1 when some block was skipped (its variable holds another value, or its name
    is not a valid variable name).
    """
    from headrace.migrate.blocks_to_variables import move_value_blocks

    done = move_value_blocks(keep_blocks=keep_blocks, overwrite=overwrite, dry_run=dry_run)
    for item in done:
        click.echo(f"{item.outcome:<10} {item.block}: {item.detail}")
    click.echo(f"{len(done)} value blocks: {sum(m.outcome == 'skipped' for m in done)} skipped")
    if any(m.outcome == "skipped" for m in done):
        sys.exit(1)


migrate.subcommands[blocks_to_variables.name] = blocks_to_variables
