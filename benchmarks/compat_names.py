"""How many of Prefect 3's client-side public names exist at the same path in headrace.

    python benchmarks/compat_names.py --prefect-gitdir /path/to/prefect.git [--rev REV]
    python benchmarks/compat_names.py --prefect-gitdir ... --missing   # list what is missing

Prefect is read from a git directory (a clone or the fetched snapshot), never installed or
imported: each module's source is parsed with `ast`. A module's public names are its
`__all__` when it has one, else the names it defines at module level (functions, classes,
assignments) that do not start with an underscore. A name counts as present when
`headrace.<same path>` imports and has the attribute; a name headrace deliberately refuses
(raising `NotImplementedError` that names docs/compatibility.md) counts as refused.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import subprocess
import sys
from dataclasses import dataclass, field

#: the pinned peer-suite revision (3.8.4.dev6, the newest 3.8.x in the snapshot)
DEFAULT_REV = "ce79dd3d6cfa2b7337265498210dbc4d25bcdc98"

#: client-side modules a Prefect 3 user imports from (the server's are out of scope)
MODULES = (
    "prefect",
    "prefect.flows",
    "prefect.tasks",
    "prefect.futures",
    "prefect.states",
    "prefect.task_runners",
    "prefect.cache_policies",
    "prefect.context",
    "prefect.exceptions",
    "prefect.logging",
    "prefect.logging.loggers",
    "prefect.runtime.flow_run",
    "prefect.runtime.task_run",
    "prefect.runtime.deployment",
    "prefect.concurrency.sync",
    "prefect.concurrency.asyncio",
    "prefect.blocks.core",
    "prefect.blocks.system",
    "prefect.blocks.notifications",
    "prefect.blocks.webhook",
    "prefect.blocks.abstract",
    "prefect.filesystems",
    "prefect.schedules",
    "prefect.settings",
    "prefect.transactions",
    "prefect.artifacts",
    "prefect.variables",
    "prefect.results",
    "prefect.serializers",
    "prefect.testing.utilities",
    "prefect.events",
    "prefect.automations",
    "prefect.client.orchestration",
    "prefect.deployments",
    "prefect.input",
    "prefect.flow_runs",
)


@dataclass
class ModuleCount:
    module: str
    names: list[str]
    present: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [n for n in self.names if n not in self.present and n not in self.refused]


def _source(gitdir: str, rev: str, module: str) -> str | None:
    path = module.replace(".", "/")
    for candidate in (f"src/{path}.py", f"src/{path}/__init__.py"):
        proc = subprocess.run(
            ["git", f"--git-dir={gitdir}", "show", f"{rev}:{candidate}"],
            capture_output=True,
            text=True,
        )
        if proc.returncode == 0:
            return proc.stdout
    return None


def _literal_strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.List | ast.Tuple):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return []


def public_names(source: str) -> list[str]:
    """`__all__` if the module declares it, else its own public module-level names."""
    tree = ast.parse(source)
    declared: list[str] = []
    defined: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "__all__" and node.value:
                    declared += _literal_strings(node.value)
                elif isinstance(target, ast.Name):
                    defined.append(target.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.append(node.name)
    names = declared or defined
    return sorted({n for n in names if not n.startswith("_")})


def _status(module: str, name: str) -> str:
    target = "headrace" + module[len("prefect") :]
    try:
        mod = importlib.import_module(target)
        getattr(mod, name)
    except NotImplementedError as exc:
        return "refused" if "compatibility.md" in str(exc) else "missing"
    except Exception:
        return "missing"
    return "present"


def count(gitdir: str, rev: str) -> list[ModuleCount]:
    counts = []
    for module in MODULES:
        source = _source(gitdir, rev, module)
        if source is None:
            print(f"warning: {module} not found at {rev}", file=sys.stderr)
            continue
        entry = ModuleCount(module, public_names(source))
        for name in entry.names:
            status = _status(module, name)
            if status == "present":
                entry.present.append(name)
            elif status == "refused":
                entry.refused.append(name)
        counts.append(entry)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefect-gitdir", required=True)
    parser.add_argument("--rev", default=DEFAULT_REV)
    parser.add_argument("--missing", action="store_true", help="list the missing names")
    args = parser.parse_args()
    counts = count(args.prefect_gitdir, args.rev)
    print("| module | public names | present | refused | missing |")
    print("|---|---|---|---|---|")
    for c in counts:
        print(
            f"| {c.module} | {len(c.names)} | {len(c.present)} | {len(c.refused)} | "
            f"{len(c.missing)} |"
        )
    total = sum(len(c.names) for c in counts)
    present = sum(len(c.present) for c in counts)
    refused = sum(len(c.refused) for c in counts)
    print(f"| **total** | {total} | {present} | {refused} | {total - present - refused} |")
    print(
        f"{present}/{total} public names present ({100 * present / total:.1f}%), "
        f"{refused} refused with a pointer to docs/compatibility.md"
    )
    if args.missing:
        for c in counts:
            for name in c.missing:
                print(f"missing: {c.module}.{name}")


if __name__ == "__main__":
    main()
