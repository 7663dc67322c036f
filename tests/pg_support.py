"""A throwaway PostgreSQL cluster for the store tests (Debian's `postgresql`, which
`make test` installs): a temporary directory, 127.0.0.1 and a free port, durability off.
As root the server runs as an unprivileged user (PostgreSQL refuses root)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def _bindir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]),
    )
    if not candidates:
        raise RuntimeError(
            "PostgreSQL's server programs are missing: `make test` installs them "
            "(apt-get install postgresql)"
        )
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """A throwaway PostgreSQL cluster; `url(schema)` connects with that search path."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="headrace-pg-"))
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:
            name = "postgres" if _exists("postgres") else "nobody"
            self.user = name
            entry = pwd.getpwnam(name)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        bindir = _bindir()
        data = self.root / "data"
        self._run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "headrace",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ]
        )
        self._options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port}"
            f" -c unix_socket_directories={self.root} -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data)]
        self.start()
        self.base_url = f"postgresql://headrace@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self._run([*self._pg_ctl, "-o", self._options, "-l", str(self.root / "log"), "-w", "start"])

    def halt(self) -> None:
        """Stop the server abruptly (its data stays; `start()` brings it back)."""
        import psycopg

        # commits are not synchronous here (speed): write them out before the crash
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(self.base_url, autocommit=True, connect_timeout=5) as db,
        ):
            db.execute("CHECKPOINT")
        self._run([*self._pg_ctl, "-m", "immediate", "-w", "stop"])

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(
            command, user=self.user, cwd=self.root, capture_output=True, text=True, timeout=120
        )
        if result.returncode:
            raise RuntimeError(f"{command[0]} failed: {result.stderr or result.stdout}")

    def create_schema(self) -> str:
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.base_url, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {schema}")
        return schema

    def drop_schema(self, schema: str) -> None:
        import psycopg

        with psycopg.connect(self.base_url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    def url(self, schema: str) -> str:
        return f"{self.base_url}?options=-csearch_path%3D{schema}"

    def stop(self) -> None:
        try:
            self.halt()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True
