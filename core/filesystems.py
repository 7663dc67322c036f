"""Storage blocks: a local directory and any fsspec filesystem (`memory://`, `s3://`, ...).

Both are usable as a task's `result_storage=`: the result store calls
`read_path(path) -> bytes` and `write_path(path, content)`. A missing path raises
`PathNotFound`, which is both a `FileNotFoundError` and (as in Prefect) a `ValueError`.
"""

from __future__ import annotations

import abc
import shutil
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, ClassVar

from pydantic import Field, field_validator

from headrace.blocks.core import Block
from headrace.logging import current_logger
from headrace.secrets import SecretDict
from headrace.utilities.asyncutils import async_dispatch, call_sync
from headrace.utilities.object_keys import join_key, normalize_folder, object_key, relative_key

__all__ = [
    "LocalFileSystem",
    "NullFileSystem",
    "ObjectStorageBucket",
    "PathNotFound",
    "ReadableDeploymentStorage",
    "ReadableFileSystem",
    "RemoteFileSystem",
    "WritableDeploymentStorage",
    "WritableFileSystem",
]


class PathNotFound(FileNotFoundError, ValueError):
    """The path does not exist in the filesystem block."""


async def _in_thread(method: Any, *args: Any) -> Any:
    """Call a filesystem method for its value in a worker thread (the async twins)."""
    import asyncio

    return await asyncio.to_thread(call_sync, method, *args)


class _FilesInThreads:
    """The async twins of a filesystem block whose sync methods do blocking I/O."""

    async def aread_path(self, path: str) -> bytes:
        """`read_path` for async code (the I/O runs in a worker thread)."""
        return await _in_thread(self.read_path, path)

    async def awrite_path(self, path: str, content: bytes) -> str:
        """`write_path` for async code (the I/O runs in a worker thread)."""
        return await _in_thread(self.write_path, path, content)

    async def aget_directory(
        self, from_path: str | None = None, local_path: str | None = None
    ) -> None:
        """`get_directory` for async code (the I/O runs in a worker thread)."""
        return await _in_thread(self.get_directory, from_path, local_path)

    async def aput_directory(
        self,
        local_path: str | None = None,
        to_path: str | None = None,
        ignore_file: str | None = None,
    ) -> int:
        """`put_directory` for async code (the I/O runs in a worker thread)."""
        return await _in_thread(self.put_directory, local_path, to_path, ignore_file)


class ReadableFileSystem(Block, abc.ABC):
    """A filesystem whose files can be read."""

    _block_schema_capabilities = ["read-path"]

    @abc.abstractmethod
    def read_path(self, path: str) -> bytes: ...


class WritableFileSystem(ReadableFileSystem, abc.ABC):
    """A filesystem whose files can be read and written (what result storage needs)."""

    _block_schema_capabilities = ["read-path", "write-path"]

    @abc.abstractmethod
    def write_path(self, path: str, content: bytes) -> str: ...


class ReadableDeploymentStorage(Block, abc.ABC):
    """Storage a directory (e.g. a project's code) can be copied out of."""

    _block_schema_capabilities = ["get-directory"]

    @abc.abstractmethod
    def get_directory(
        self, from_path: str | None = None, local_path: str | None = None
    ) -> None: ...


class WritableDeploymentStorage(ReadableDeploymentStorage, abc.ABC):
    """Storage a directory can be copied into and out of."""

    _block_schema_capabilities = ["get-directory", "put-directory"]

    @abc.abstractmethod
    def put_directory(
        self,
        local_path: str | None = None,
        to_path: str | None = None,
        ignore_file: str | None = None,
    ) -> int: ...


def _ignore_spec(ignore_file: str | None) -> Any:
    """The ignore file's patterns, with git's rules: `/dist` only at the top, `build/`
    only folders, `**` across folders, `!keep.log` brings a file back, `#` comments."""
    if ignore_file is None:
        return None
    import pathspec  # deferred: only uploads with an ignore file need it

    lines = Path(ignore_file).read_text().splitlines()
    return pathspec.GitIgnoreSpec.from_lines(lines)


def local_files(root: Path, ignore_file: str | None) -> list[tuple[Path, PurePosixPath]]:
    """The files under `root` (and their paths relative to it) the ignore file keeps."""
    spec = _ignore_spec(ignore_file)
    found = []
    for path in sorted(root.rglob("*")):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_file() and (spec is None or not spec.match_file(str(relative))):
            found.append((path, relative))
    return found


class ObjectStorageBucket(WritableFileSystem, WritableDeploymentStorage, abc.ABC):
    """What bucket blocks (S3Bucket, GcsBucket) share: paths, transfers, folders, copies.

    Every path is relative to `bucket_folder` and joined by `headrace.utilities.object_keys`,
    so that a folder is never doubled or lost (Prefect's most reported storage bug). The
    transfer methods are written once here, on top of a few primitives each store
    implements with its client library (`_read`, `_write`, `_download`, `_upload`, their
    file-object forms, `_keys`, `_copy`, `_delete`); each primitive turns its client's
    errors into `PathNotFound` and the store's own exceptions.
    """

    #: URL scheme of the store, for log lines (`s3`, `gs`)
    _url_scheme: ClassVar[str]
    #: logger used outside a run (`headrace.<name>`)
    _logger_name: ClassVar[str]

    bucket_folder: str = Field(
        default="", description="Folder in the bucket that every path is relative to."
    )

    @field_validator("bucket_folder")
    @classmethod
    def _normalized_folder(cls, value: str) -> str:
        return normalize_folder(value)

    @property
    def basepath(self) -> str:
        """The bucket folder, under the name Prefect's storage blocks use."""
        return self.bucket_folder

    @property
    @abc.abstractmethod
    def _bucket(self) -> str:
        """The bucket's name."""

    def _key(self, path: str | None) -> str:
        """The object key of a block path (refuses paths naming a folder)."""
        return object_key(self.bucket_folder, path)

    def _folder_prefix(self, folder: str | None) -> str:
        """The key prefix of a folder: always ends in `/` (or is `""`, the bucket root)."""
        return join_key(self.bucket_folder, f"{folder or ''}/")

    def relative_path(self, key: str) -> str:
        """The block path of a full object key (e.g. one a listing returned)."""
        return relative_key(self.bucket_folder, key)

    def _url(self, key: str, bucket: str | None = None) -> str:
        return f"{self._url_scheme}://{bucket or self._bucket}/{key}"

    def _log(self, message: str, *args: Any) -> None:
        current_logger(self._logger_name).info(message, *args)

    # -- primitives, one client call each --------------------------------------------------
    @abc.abstractmethod
    def _read(self, key: str) -> bytes: ...

    @abc.abstractmethod
    def _write(self, key: str, content: bytes) -> None: ...

    @abc.abstractmethod
    def _download(self, key: str, target: Path, **kwargs: Any) -> None: ...

    @abc.abstractmethod
    def _download_fileobj(self, key: str, file: BinaryIO, **kwargs: Any) -> None: ...

    @abc.abstractmethod
    def _upload(self, source: Path, key: str, **kwargs: Any) -> None: ...

    @abc.abstractmethod
    def _upload_fileobj(self, file: BinaryIO, key: str, **kwargs: Any) -> None: ...

    @abc.abstractmethod
    def _keys(self, prefix: str) -> list[str]:
        """Every full key starting with `prefix`."""

    @abc.abstractmethod
    def _copy(self, source: str, bucket: str, key: str, **kwargs: Any) -> None: ...

    @abc.abstractmethod
    def _delete(self, key: str) -> None: ...

    # -- result storage --------------------------------------------------------------------
    def read_path(self, path: str) -> bytes:
        """The content of the object at `path`; `PathNotFound` if there is none."""
        return self._read(self._key(path))

    def write_path(self, path: str, content: bytes) -> str:
        """Write `content` to the object at `path`; returns its key."""
        key = self._key(path)
        self._write(key, content)
        return key

    # -- single objects --------------------------------------------------------------------
    def download_object_to_path(
        self, from_path: str, to_path: str | Path | None = None, **download_kwargs: Any
    ) -> Path:
        """Download one object to a local file (default: its name, in the cwd)."""
        key = self._key(from_path)
        target = Path(to_path if to_path is not None else Path(key).name).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        self._download(key, target, **download_kwargs)
        self._log("Downloaded %s to %s", self._url(key), target)
        return target.absolute()

    def download_object_to_file_object(
        self, from_path: str, to_file_object: BinaryIO, **download_kwargs: Any
    ) -> BinaryIO:
        """Download one object into an open binary file (or BytesIO)."""
        self._download_fileobj(self._key(from_path), to_file_object, **download_kwargs)
        return to_file_object

    def upload_from_path(
        self, from_path: str | Path, to_path: str | None = None, **upload_kwargs: Any
    ) -> str:
        """Upload a local file (default path: its file name); returns the key."""
        source = Path(from_path).expanduser()
        key = self._key(to_path if to_path is not None else source.name)
        self._upload(source, key, **upload_kwargs)
        self._log("Uploaded %s to %s", source, self._url(key))
        return key

    def upload_from_file_object(
        self, from_file_object: BinaryIO, to_path: str, **upload_kwargs: Any
    ) -> str:
        """Upload the rest of an open binary file; returns the key."""
        key = self._key(to_path)
        self._upload_fileobj(from_file_object, key, **upload_kwargs)
        return key

    # -- folders ---------------------------------------------------------------------------
    def download_folder_to_path(
        self, from_folder: str = "", to_folder: str | Path | None = None, **download_kwargs: Any
    ) -> Path:
        """Download every object under `from_folder` into `to_folder` (default: cwd),
        keeping the layout below `from_folder`."""
        prefix = self._folder_prefix(from_folder)
        destination = Path(to_folder if to_folder is not None else ".").expanduser()
        for key in self._keys(prefix):
            if key.endswith("/"):  # a "folder marker" object holds nothing
                continue
            target = destination / relative_key(prefix, key)
            target.parent.mkdir(parents=True, exist_ok=True)
            self._download(key, target, **download_kwargs)
        return destination.absolute()

    def upload_from_folder(
        self, from_folder: str | Path, to_folder: str | None = None, **upload_kwargs: Any
    ) -> str:
        """Upload every file under a local folder to `to_folder`; returns the key prefix."""
        source = Path(from_folder).expanduser()
        if not source.is_dir():
            raise NotADirectoryError(f"{str(source)!r} is not a folder")
        prefix = self._folder_prefix(to_folder)
        for path, relative in local_files(source, None):
            self._upload(path, join_key(prefix, str(relative)), **upload_kwargs)
        return prefix

    def get_directory(self, from_path: str | None = None, local_path: str | None = None) -> None:
        """Copy `from_path` (relative to the bucket folder; default: all of it) to
        `local_path` (default: cwd)."""
        self.download_folder_to_path(from_path or "", local_path)

    def put_directory(
        self,
        local_path: str | None = None,
        to_path: str | None = None,
        ignore_file: str | None = None,
    ) -> int:
        """Upload `local_path` (default: cwd) under `to_path`; returns the number of files.

        `ignore_file` lists gitignore-like patterns of files to leave out.
        """
        prefix = self._folder_prefix(to_path)
        files = local_files(Path(local_path or ".").resolve(), ignore_file)
        for path, relative in files:
            self._upload(path, join_key(prefix, str(relative)))
        return len(files)

    # -- copy and move ---------------------------------------------------------------------
    def _target(self, to_path: str, to_bucket: ObjectStorageBucket | str | None) -> tuple[str, str]:
        """(bucket, key) of a copy's target: another block's folder applies to its paths,
        a bare bucket name takes `to_path` as the full key."""
        if to_bucket is None:
            return self._bucket, self._key(to_path)
        if isinstance(to_bucket, type(self)):
            return to_bucket._bucket, to_bucket._key(to_path)
        if isinstance(to_bucket, str):
            return to_bucket, object_key("", to_path)
        raise TypeError(
            f"to_bucket must be a {type(self).__name__} or a bucket name, not "
            f"{type(to_bucket).__name__}"
        )

    def copy_object(
        self,
        from_path: str,
        to_path: str,
        to_bucket: ObjectStorageBucket | str | None = None,
        **copy_kwargs: Any,
    ) -> str:
        """Copy an object within this bucket or to another; returns the target key."""
        source = self._key(from_path)
        bucket, key = self._target(to_path, to_bucket)
        self._copy(source, bucket, key, **copy_kwargs)
        self._log("Copied %s to %s", self._url(source), self._url(key, bucket))
        return key

    def move_object(
        self, from_path: str, to_path: str, to_bucket: ObjectStorageBucket | str | None = None
    ) -> str:
        """Copy an object, then delete the original; returns the target key."""
        key = self.copy_object(from_path, to_path, to_bucket)
        self._delete(self._key(from_path))
        return key


class LocalFileSystem(_FilesInThreads, WritableFileSystem, WritableDeploymentStorage):
    """A directory on this machine; relative paths resolve under `basepath`.

    Example:
        LocalFileSystem(basepath="/data/results").save("results")
        @task(persist_result=True, result_storage="local-file-system/results")
    """

    _block_type_name = "Local File System"

    basepath: str | None = Field(
        default=None, description="Directory that relative paths resolve under."
    )

    @field_validator("basepath", mode="before")
    @classmethod
    def _path_to_str(cls, value: object) -> object:
        """Accept a `pathlib.Path` (stored as a string, so the block document stays JSON)."""
        return str(value) if isinstance(value, Path) else value

    def _resolve(self, path: str | None) -> Path:
        base = Path(self.basepath).expanduser().resolve() if self.basepath else None
        if path is None:
            return base if base is not None else Path.cwd()
        target = Path(path).expanduser()
        if base is None:
            return target.resolve()
        resolved = (base / target).resolve()
        if resolved != base and base not in resolved.parents:
            raise ValueError(f"path {path!r} is outside the base path {self.basepath!r}")
        return resolved

    @async_dispatch(_FilesInThreads.aread_path)
    def read_path(self, path: str) -> bytes:
        target = self._resolve(path)
        if not target.is_file():
            raise PathNotFound(f"path {str(target)!r} does not exist")
        return target.read_bytes()

    @async_dispatch(_FilesInThreads.awrite_path)
    def write_path(self, path: str, content: bytes) -> str:
        """Write `content` (parent folders created); returns the full path written."""
        target = self._resolve(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        return str(target)

    @async_dispatch(_FilesInThreads.aget_directory)
    def get_directory(self, from_path: str | None = None, local_path: str | None = None) -> None:
        """Copy `from_path` (default: the base path) into `local_path` (default: cwd)."""
        source = self._resolve(from_path)
        destination = Path(local_path or ".").resolve()
        if source == destination:
            return
        shutil.copytree(source, destination, dirs_exist_ok=True)

    @async_dispatch(_FilesInThreads.aput_directory)
    def put_directory(
        self,
        local_path: str | None = None,
        to_path: str | None = None,
        ignore_file: str | None = None,
    ) -> int:
        """Copy `local_path` (default: cwd) under `to_path`; returns the number of files.

        `ignore_file` lists gitignore-like patterns of files to leave out.
        """
        source = Path(local_path or ".").resolve()
        destination = self._resolve(to_path)
        files = local_files(source, ignore_file)
        for path, relative in files:
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        return len(files)


class NullFileSystem(Block):
    """Storage that keeps nothing: as a result store's `metadata_storage` it means "write
    bare results, no metadata beside them"."""

    _block_type_name = "Null File System"

    def read_path(self, path: str) -> bytes:
        raise PathNotFound(f"a NullFileSystem holds nothing (asked for {path!r})")

    def write_path(self, path: str, content: bytes) -> None:
        return None

    def get_directory(self, from_path: str | None = None, local_path: str | None = None) -> None:
        return None

    def put_directory(
        self,
        local_path: str | None = None,
        to_path: str | None = None,
        ignore_file: str | None = None,
    ) -> None:
        return None


class RemoteFileSystem(_FilesInThreads, WritableFileSystem, WritableDeploymentStorage):
    """Any fsspec filesystem, addressed by a URL base path such as `s3://bucket/prefix`.

    `settings` are passed to the fsspec filesystem (endpoint, credentials, ...). They often
    hold credentials, so they are kept as a `SecretDict`: keys shown, values masked.
    """

    basepath: str = Field(description="URL of the root folder, e.g. 'memory://results'.")
    settings: SecretDict = Field(
        default_factory=lambda: SecretDict({}),
        description="Keyword arguments for the fsspec filesystem (values are masked).",
    )
    _block_type_name = "Remote File System"

    @field_validator("basepath")
    @classmethod
    def _needs_scheme(cls, value: str) -> str:
        scheme, sep, _ = value.partition("://")
        if not sep or not scheme:
            raise ValueError(
                f"basepath must be a URL with a scheme, e.g. 'memory://x', not {value!r}"
            )
        return value

    @property
    def filesystem(self) -> Any:
        import fsspec

        return fsspec.filesystem(
            self.basepath.partition("://")[0], **self.settings.get_secret_value()
        )

    def _resolve(self, path: str | None) -> str:
        base = self.basepath.rstrip("/")
        if not path:
            return base
        if path.startswith(base):
            return path
        if ".." in PurePosixPath(path).parts:
            raise ValueError(f"path {path!r} is outside the base path {self.basepath!r}")
        return f"{base}/{path.lstrip('/')}"

    @async_dispatch(_FilesInThreads.aread_path)
    def read_path(self, path: str) -> bytes:
        target = self._resolve(path)
        try:
            with self.filesystem.open(target, "rb") as file:
                return file.read()
        except FileNotFoundError:
            raise PathNotFound(f"path {target!r} does not exist") from None

    @async_dispatch(_FilesInThreads.awrite_path)
    def write_path(self, path: str, content: bytes) -> str:
        target = self._resolve(path)
        fs = self.filesystem
        parent = target.rsplit("/", 1)[0]
        if parent and parent != target:
            fs.makedirs(parent, exist_ok=True)
        with fs.open(target, "wb") as file:
            file.write(content)
        return target

    @async_dispatch(_FilesInThreads.aget_directory)
    def get_directory(self, from_path: str | None = None, local_path: str | None = None) -> None:
        """Download every file under `from_path` (default: base path) into `local_path`."""
        fs = self.filesystem
        source = self._resolve(from_path)
        root = fs._strip_protocol(source).rstrip("/")
        destination = Path(local_path or ".")
        for remote in fs.find(source):
            relative = fs._strip_protocol(remote)[len(root) :].lstrip("/")
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            fs.get_file(remote, str(target))

    @async_dispatch(_FilesInThreads.aput_directory)
    def put_directory(
        self,
        local_path: str | None = None,
        to_path: str | None = None,
        ignore_file: str | None = None,
    ) -> int:
        """Upload `local_path` (default: cwd) under `to_path`; returns the number of files."""
        fs = self.filesystem
        destination = self._resolve(to_path)
        files = local_files(Path(local_path or ".").resolve(), ignore_file)
        for path, relative in files:
            target = f"{destination}/{relative}"
            fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
            fs.put_file(str(path), target)
        return len(files)


def __getattr__(name: str) -> Any:
    if name == "SMB":
        raise NotImplementedError(
            "headrace.filesystems.SMB is not provided: headrace does not ship an SMB client. "
            "Mount the share and use LocalFileSystem, or RemoteFileSystem with an fsspec "
            "SMB driver (smb://); see docs/compatibility.md."
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
