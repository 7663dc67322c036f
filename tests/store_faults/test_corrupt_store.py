"""A damaged store file: a clear error on every command, `store check`, `store recover`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from faults import cli, rows, run_script

COMMANDS = [
    ["runs", "ls"],
    ["block", "ls"],
    ["variable", "ls"],
    ["gcl", "ls"],
    ["concurrency-limit", "ls"],
]


def _store_with_history(tmp_path: Path, home: Path) -> None:
    """Three variables (early pages of the file), then a few thousand run records."""
    result = run_script(
        tmp_path,
        home,
        """
        from headrace import flow, task
        from headrace.variables import Variable

        for name in ("alpha", "beta", "gamma"):
            Variable.set(name, name + "-value")

        @task
        def step(i):
            return i

        @flow
        def many():
            return sum(step(i) for i in range(1000))

        many()
        """,
    )
    assert result.returncode == 0, result.stderr


def _create(database: Path) -> None:
    from headrace.store import get_store, reset_store

    assert get_store().location == str(database)
    reset_store()


def _damage_tail(database: Path) -> None:
    """Garbage over pages in the last third of the file (run records, not variables)."""
    size = database.stat().st_size
    page = 4096
    first = (size * 2 // 3) // page * page
    with open(database, "r+b") as file:
        file.seek(first)
        file.write(os.urandom(6 * page))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command))
def test_every_command_names_a_store_with_a_damaged_header(home, database, command):
    _create(database)
    with open(database, "r+b") as file:
        file.write(b"this is not a database " * 8)
    result = cli(home, *command)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(database) in result.stderr
    assert "damaged" in result.stderr and "headrace store recover" in result.stderr


def test_a_flow_on_a_damaged_store_names_the_file(tmp_path, home, database):
    _create(database)
    with open(database, "r+b") as file:
        file.write(b"garbage" * 50)
    result = run_script(
        tmp_path,
        home,
        """
        from headrace import flow

        @flow
        def hello():
            return 1

        hello()
        """,
    )
    assert result.returncode != 0
    assert f"the store {database} is damaged" in result.stderr


def test_store_check_finds_damage_and_recover_saves_what_is_readable(tmp_path, home, database):
    _store_with_history(tmp_path, home)
    healthy = cli(home, "store", "check")
    assert healthy.returncode == 0, healthy.stderr
    assert "integrity: ok" in healthy.stdout
    assert "runs" in healthy.stdout  # schema versions are listed

    _damage_tail(database)
    damaged = cli(home, "store", "check")
    assert damaged.returncode == 1
    assert "integrity: damaged" in damaged.stderr

    recovered = cli(home, "store", "recover")
    assert recovered.returncode == 0, recovered.stderr
    assert "variables: 3 row(s) saved" in recovered.stdout
    kept = [path for path in database.parent.iterdir() if ".damaged-" in path.name]
    assert len(kept) == 1 and kept[0].name in recovered.stdout
    assert kept[0].stat().st_size > 0

    assert cli(home, "store", "check").returncode == 0
    assert rows(database, "SELECT name FROM variables ORDER BY name") == [
        ("alpha",),
        ("beta",),
        ("gamma",),
    ]
    listed = cli(home, "variable", "ls")
    assert listed.returncode == 0 and "gamma" in listed.stdout
    saved_tasks = rows(database, "SELECT count(*) FROM task_runs")[0][0]
    assert 0 < saved_tasks <= 1000


def test_recover_leaves_a_healthy_store_alone(home, database):
    _create(database)
    before = database.read_bytes()
    result = cli(home, "store", "recover")
    assert result.returncode == 0
    assert "nothing to recover" in result.stdout
    assert database.read_bytes() == before
