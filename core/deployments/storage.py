"""Where `Flow.from_source` gets a flow's code: a local directory, a git repository or a
storage block. Each storage pulls its code into `destination` (under a base path chosen
by the caller) with `pull_code()`; a local directory is used where it is."""

from __future__ import annotations

import asyncio
import inspect
import os
import subprocess
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "BlockStorageAdapter",
    "GitRepository",
    "LocalStorage",
    "RunnerStorage",
    "create_storage_from_source",
]


@runtime_checkable
class RunnerStorage(Protocol):
    """What a code storage offers (any object with these members works)."""

    def set_base_path(self, path: Path) -> None:
        """Pull into a directory below `path` from now on."""

    @property
    def pull_interval(self) -> int | None:
        """Seconds between pulls while serving (None: pull once)."""

    @property
    def destination(self) -> Path:
        """The directory that holds the code after `pull_code()`."""

    async def pull_code(self) -> None:
        """Bring `destination` up to date."""


class LocalStorage:
    """Code in a directory of this machine: nothing to pull."""

    def __init__(self, path: str | os.PathLike[str], pull_interval: int | None = None) -> None:
        self._path = Path(path).expanduser().resolve()
        self._pull_interval = pull_interval

    @property
    def destination(self) -> Path:
        return self._path

    @property
    def pull_interval(self) -> int | None:
        return self._pull_interval

    def set_base_path(self, path: Path) -> None:
        """A local directory stays where it is."""

    async def pull_code(self) -> None:
        """The code is already here."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalStorage) and other._path == self._path

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LocalStorage(path={str(self._path)!r})"


class _PulledIntoDirectory:
    """What storages that pull code into `<base path>/<name>` share."""

    _name: str
    _pull_interval: int | None
    _base_path: Path

    @property
    def destination(self) -> Path:
        return self._base_path / self._name

    @property
    def pull_interval(self) -> int | None:
        return self._pull_interval

    def set_base_path(self, path: Path) -> None:
        self._base_path = Path(path)


class GitRepository(_PulledIntoDirectory):
    """A git repository, cloned (shallow) on the first pull and fetched and reset to the
    branch or commit on later pulls. `credentials` may hold an `access_token` (a string,
    a `SecretStr` or a `Secret` block, and optionally a `username`): it is put into the
    HTTPS URL git uses and kept out of every repr and error message."""

    def __init__(
        self,
        url: str,
        credentials: dict[str, Any] | Any | None = None,
        name: str | None = None,
        branch: str | None = None,
        commit_sha: str | None = None,
        include_submodules: bool = False,
        pull_interval: int | None = 60,
        directories: list[str] | None = None,
    ) -> None:
        if branch and commit_sha:
            raise ValueError("Give either branch or commit_sha, not both.")
        self._url = url
        self._credentials = credentials
        self._name = name or _repo_name(url)
        self._branch = branch
        self._commit_sha = commit_sha
        self._include_submodules = include_submodules
        self._pull_interval = pull_interval
        self._directories = list(directories or [])
        self._base_path = Path.cwd()

    def _token(self) -> str | None:
        credentials = self._credentials
        if credentials is None:
            return None
        token = (
            credentials.get("access_token")
            if isinstance(credentials, dict)
            else getattr(credentials, "access_token", credentials)
        )
        token = getattr(token, "get", lambda: token)()  # a Secret block
        token = getattr(token, "get_secret_value", lambda: token)()  # a SecretStr
        if token is None:
            return None
        username = credentials.get("username") if isinstance(credentials, dict) else None
        return f"{username}:{token}" if username else str(token)

    def _remote(self) -> str:
        token = self._token()
        parts = urlsplit(self._url)
        if token is None or parts.scheme not in ("http", "https"):
            return self._url
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{token}@{host}"))

    def _git(self, *args: str, cwd: Path | None = None) -> None:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
        if done.returncode:
            token = self._token()
            message = (done.stderr or done.stdout).strip()
            if token:
                message = message.replace(token, "****")
            raise RuntimeError(f"Failed to pull from {self._url}: git {args[0]}: {message}")

    def _pull(self) -> None:
        target = self.destination
        ref = self._commit_sha or self._branch
        if not (target / ".git").exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            clone = ["clone", "--depth", "1"]
            if self._branch:
                clone += ["--branch", self._branch]
            if self._include_submodules:
                clone += ["--recurse-submodules"]
            if self._commit_sha:  # a commit needs history: fetch it explicitly below
                clone = ["clone", "--no-checkout"]
            self._git(*clone, self._remote(), str(target))
            if not self._commit_sha:
                return
        self._git("fetch", "--depth", "1", self._remote(), ref or "HEAD", cwd=target)
        self._git("reset", "--hard", "FETCH_HEAD", cwd=target)

    async def pull_code(self) -> None:
        await asyncio.to_thread(self._pull)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GitRepository) and (
            other._url,
            other._branch,
            other._commit_sha,
            other._name,
        ) == (self._url, self._branch, self._commit_sha, self._name)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"GitRepository(name={self._name!r}, url={self._url!r}, branch={self._branch!r})"


class BlockStorageAdapter(_PulledIntoDirectory):
    """A storage block (anything with `get_directory(local_path=...)`, e.g.
    `LocalFileSystem` or an S3 bucket block) used as code storage."""

    def __init__(self, block: Any, pull_interval: int | None = 60) -> None:
        self._block = block
        self._pull_interval = pull_interval
        self._name = f"{type(block).__name__.lower()}-{id(block):x}"
        self._base_path = Path.cwd()

    async def pull_code(self) -> None:
        self.destination.mkdir(parents=True, exist_ok=True)
        pulled = self._block.get_directory(local_path=str(self.destination))
        if inspect.isawaitable(pulled):
            await pulled

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BlockStorageAdapter) and other._block == self._block

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"BlockStorageAdapter(block={self._block!r})"


def create_storage_from_source(source: str, pull_interval: int | None = 60) -> Any:
    """The storage a `from_source` string names: a git URL (`https://...git`, `git@...`)
    or a local directory (a path or `file://` URL)."""
    parts = urlsplit(source)
    if source.startswith("git@") or (parts.scheme and parts.path.endswith(".git")):
        return GitRepository(url=source, pull_interval=pull_interval)
    if parts.scheme in ("", "file") or (len(parts.scheme) == 1 and os.name == "nt"):
        return LocalStorage(parts.path if parts.scheme == "file" else source, pull_interval)
    raise ValueError(
        f"Unsupported source {source!r}: give a local directory, a git repository URL, a "
        "storage object from headrace.runner.storage or a storage block."
    )


def _repo_name(url: str) -> str:
    tail = url.rstrip("/").rpartition("/")[2].rpartition(":")[2]
    return tail[: -len(".git")] if tail.endswith(".git") else tail or "repository"
