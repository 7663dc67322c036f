"""Does a name exist in the target? `headrace`: its real module tree (imported, cached);
`prefect`: the public names of Prefect 3.8.8, read from its wheel once
(`benchmarks/prefect_names.py`) and kept as data in `prefect_names.txt`.

Names are asked for in their `prefect` spelling, as the rules write them.
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import lru_cache
from pathlib import Path

_NAMES_FILE = Path(__file__).with_name("prefect_names.txt")
#: the integration packages headrace ships (`integrations/<name>`): `prefect_<name>` imports
#: become `headrace_<name>`; other `prefect_*` packages (prefect_github, ...) are left alone
INTEGRATIONS = frozenset({"aws", "gcp", "snowflake", "slack", "dbt", "dask", "ray", "email"})


def has_counterpart(root: str) -> bool:
    """Does headrace have a package for this import root (`prefect`, `prefect_aws`, ...)?"""
    if root in ("prefect", "headrace"):
        return True
    for prefix in ("prefect_", "headrace_"):
        if root.startswith(prefix):
            name = root[len(prefix) :]
            return name in INTEGRATIONS or _installed(f"headrace_{name}")
    return False


@lru_cache(maxsize=256)
def _installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


@lru_cache(maxsize=1)
def prefect_names() -> frozenset[str]:
    """Every public module and `module.name` of the Prefect release the table targets."""
    lines = _NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_ours(dotted: str) -> bool:
    """A name of prefect/headrace or of one of the integrations headrace ships."""
    return has_counterpart(dotted.split(".")[0])


@lru_cache(maxsize=4096)
def exists(dotted: str, target: str) -> bool:
    """Is `dotted` (a module, or a module's attribute, prefect spelling) in the target?"""
    if target == "prefect":
        if dotted.split(".")[0] != "prefect":
            return True  # integration packages are not listed: nothing to check against
        return dotted in prefect_names()
    name = "headrace" + dotted[len("prefect") :] if dotted.startswith("prefect") else dotted
    root = name.split(".")[0]
    if root != "headrace" and importlib.util.find_spec(root) is None:
        return True  # an integration package not installed here: it is the user's to add
    return _resolves(name)


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        except Exception:  # a module that fails on import does not count as there
            return False
        for attr in parts[cut:]:
            try:  # a lazy attribute may import, and fail, on first access
                obj = getattr(obj, attr)
            except Exception:
                return False
        return True
    return False
