"""Maps the top-level folders onto the one import package `headrace`.

The folders show the architecture (core, plugins, testing, migrate); setuptools'
`package-dir` turns them into `headrace`, `headrace.plugins`, ... Sub-packages are
discovered, and every non-Python file inside them (`py.typed`, templates, assets) ships
as package data, so that a new folder or file needs no edit here. The version is written
once, in pyproject.toml; `headrace.__version__` reads it from the installed metadata.
"""

from pathlib import Path

from setuptools import find_packages, setup

PACKAGE_ROOTS = {
    "headrace": "core",
    "headrace.plugins": "plugins",
    "headrace.testing": "testing",
    "headrace.migrate": "migrate",
}
NOT_DATA = {".py", ".pyc", ".pyo"}


def _packages() -> list[str]:
    found = []
    for name, folder in PACKAGE_ROOTS.items():
        found.append(name)
        found += [f"{name}.{sub}" for sub in find_packages(folder)]
    return found


def _package_data() -> dict[str, list[str]]:
    """Non-Python files of each top-level folder, relative to it, sub-folders included."""
    data: dict[str, list[str]] = {}
    for name, folder in PACKAGE_ROOTS.items():
        root = Path(folder)
        data[name] = sorted(
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if path.is_file() and path.suffix not in NOT_DATA and "__pycache__" not in path.parts
        )
    return data


setup(packages=_packages(), package_dir=PACKAGE_ROOTS, package_data=_package_data())
