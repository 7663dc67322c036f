"""`headrace store check` and `headrace store recover`: the health of the SQLite store file."""

from __future__ import annotations

import click

_DATABASE_HELP = (
    "The store file (default: the one in use, `$HEADRACE_DATABASE` or under `$HEADRACE_HOME`)."
)


def _database(path: str | None) -> str:
    """The SQLite file to work on; other backends have their own tools."""
    from pathlib import Path

    if not path:
        from headrace.settings import get_settings

        settings = get_settings()
        if settings.api_url:
            raise click.ClickException(
                f"this process uses the server at {settings.api_url}; run the command where "
                f"the server's store file is"
            )
        path = str(settings.database)
    if path.startswith(("postgresql:", "postgres:")):
        raise click.ClickException(
            "store check and recover work on a SQLite file; use PostgreSQL's own tools "
            "(pg_amcheck, pg_dump) for a PostgreSQL store"
        )
    if path.startswith("sqlite:///"):
        path = path[len("sqlite:///") :]
    if not Path(path).is_file():
        raise click.ClickException(f"there is no store file at {path}")
    return path


def _step(text: str) -> None:
    """Progress of a long store operation, on stderr (stdout keeps the report)."""
    import time

    click.echo(f"{time.strftime('%H:%M:%S')} store: {text}...", err=True)


@click.group()
def store() -> None:
    """Check the store file, or save what is readable from a damaged one."""


@store.command("check")
@click.option("--database", "path", default=None, help=_DATABASE_HELP)
def check(path: str | None) -> None:
    """Run SQLite's integrity check and compare schema versions; exit 1 on a problem."""
    from headrace.store.integrity import check as run_check

    database = _database(path)
    report = run_check(database)
    click.echo(f"store: {database}")
    versions = ", ".join(f"{name} {version}" for name, version in sorted(report.versions.items()))
    click.echo(f"schema versions: {versions or 'none'}")
    for spool in report.spools:
        click.echo(f"run records waiting to be written (replayed when the store opens): {spool}")
    if report.ok:
        click.echo("integrity: ok")
        return
    click.echo("integrity: damaged", err=True)
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)
    click.echo("`headrace store recover` copies what is readable into a fresh file.", err=True)
    raise SystemExit(1)


@store.command("recover")
@click.option("--database", "path", default=None, help=_DATABASE_HELP)
@click.option("--force", is_flag=True, help="Rewrite the file even if the check finds no damage.")
def recover(path: str | None, force: bool) -> None:
    """Copy every readable row into a fresh store file; keep the damaged one beside it.

    Stop flows, workers and servers using the store first.
    """
    from headrace.store.integrity import check as run_check
    from headrace.store.integrity import recover as run_recover

    database = _database(path)
    _step("running the integrity check")
    if run_check(database).ok and not force:
        click.echo(f"the store {database} passes the integrity check; nothing to recover")
        click.echo("(--force rewrites it anyway)")
        return
    report = run_recover(database, progress=_step)
    click.echo(f"recovered {database} ({report.method})")
    for table in report.tables:
        lost = f"; unreadable parts skipped: {'; '.join(table.errors)}" if table.errors else ""
        click.echo(f"  {table.name}: {table.saved} row(s) saved{lost}")
    for problem in report.problems:
        click.echo(f"  {problem}")
    click.echo(f"the damaged file is kept as {report.kept_as}")
    if not report.complete:
        click.echo("some rows could not be read and are not in the new file", err=True)
