"""Maps the top-level folders onto the one import package `headrace`.

The folders show the architecture (core, plugins, testing, migrate); setuptools'
`package-dir` turns them into `headrace`, `headrace.plugins`, ... Sub-packages are
discovered so that a new folder needs no edit here.
"""

from setuptools import find_packages, setup

PACKAGE_ROOTS = {
    "headrace": "core",
    "headrace.plugins": "plugins",
    "headrace.testing": "testing",
    "headrace.migrate": "migrate",
}


def _packages() -> list[str]:
    found = []
    for name, folder in PACKAGE_ROOTS.items():
        found.append(name)
        found += [f"{name}.{sub}" for sub in find_packages(folder)]
    return found


setup(
    packages=_packages(),
    package_dir=PACKAGE_ROOTS,
    include_package_data=True,
    package_data={"headrace.migrate": ["prefect_names.txt"]},
)
