"""How a deployment names its flow: `path/to/file.py:function` or `package.module.function`."""

from __future__ import annotations

import enum


class EntrypointType(enum.Enum):
    """`FILE_PATH` points at a file (found again relative to the deployment's directory);
    `MODULE_PATH` at an importable module, for flows installed as a package."""

    FILE_PATH = "file_path"
    MODULE_PATH = "module_path"


__all__ = ["EntrypointType"]
