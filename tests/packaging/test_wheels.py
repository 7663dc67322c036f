"""Every distribution (headrace and the seven integrations) as its users get it: a wheel,
installed non-editable into a fresh virtualenv, whose plugins load, whose flows run and
whose migrate rules rewrite legacy code.

How it stays offline and quick (about 30-60 s):

- The wheels are built from copies of the source trees, holding what a clean checkout
  has (`git ls-files`: a stale `build/` or egg-info cannot leak in), by calling
  setuptools' PEP 517 `build_wheel` hook with the setuptools of the project's venv: no
  build isolation, so no download.
- The new venv is made with `venv --without-pip`; the project venv's pip installs the
  wheels into it (`pip --python NEW install --no-deps --no-index`), so nothing but the
  eight wheels is installed and the installed copies are the ones under test.
- Third-party dependencies (boto3, dbt, ray, ...) are not installed again: a `.pth` file
  written after the install appends the project venv's site-packages to the new venv's
  path, behind its own. Installing them from PyPI would take minutes; the project venv
  holds exactly the versions the wheels' metadata asks for (`pip check` confirms it). The
  project venv's editable hooks for headrace are `.pth` files there, which Python does
  not process in a directory added this way; the test asserts every headrace module is
  imported from the new venv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the project's venv is 3.11
    import tomli as tomllib

ROOT = Path(__file__).parents[2]
HERE = Path(__file__).parent
INTEGRATIONS = ("aws", "dask", "dbt", "email", "gcp", "ray", "slack", "snowflake")
SOURCES = {"headrace": ROOT, **{f"headrace-{n}": ROOT / "integrations" / n for n in INTEGRATIONS}}

# One line of legacy code per integration, what its migrate rule must turn it into, and
# the rule's code (`--only` runs just these rules: the rewrite cannot come from core).
LEGACY = {
    "aws": (
        'from prefect.tasks.aws.s3 import S3Download\n\ndownload = S3Download(bucket="data")\n',
        "AWS101",
        'partial(s3_download, bucket="data"',
    ),
    "gcp": (
        "from prefect.tasks.gcp.storage import GCSDownload\n\n"
        'download = GCSDownload(bucket="data")\n',
        "GCP101",
        'partial(cloud_storage_download_blob_as_bytes, bucket="data"',
    ),
    "snowflake": (
        "from prefect.tasks.snowflake import SnowflakeQuery\n\n"
        'rows = SnowflakeQuery(account="acc", user="etl", password="pw")(query="select 1")\n',
        "SNOW101",
        'rows = snowflake_query("select 1", SnowflakeConnector(',
    ),
    "slack": (
        "from prefect.tasks.notifications import SlackTask\n\n"
        'SlackTask(webhook_secret="OPS_HOOK")(message="done")\n',
        "SLACK101",
        'send_incoming_webhook_message(SlackWebhook.load("ops-hook"), text="done")',
    ),
    "dbt": (
        'from prefect.tasks.dbt import DbtShellTask\n\ndbt = DbtShellTask(profile_name="p")\n',
        "DBT101",
        "from headrace_dbt.cli.commands import trigger_dbt_cli_command",
    ),
    "email": (
        "from prefect_email import email_send_message\n\n"
        "async def send(creds):\n"
        '    await email_send_message(subject="s", msg="m", email_server_credentials=creds)\n',
        "EMAIL201",
        '    email_send_message(subject="s", msg="m", email_server_credentials=creds)',
    ),
    "dask": (
        "from prefect_dask import DaskTaskRunner\n\nrunner = DaskTaskRunner(cluster=cluster)\n",
        "DASK201",
        "runner = DaskTaskRunner(address=cluster.scheduler_address)",
    ),
    "ray": (
        "from prefect_ray.task_runners import PrefectRayFuture\n\n"
        "futures: list[PrefectRayFuture] = []\n",
        "RAY201",
        "futures: list[PrefectFuture] = []",
    ),
}

# What each integration's flow returns (tests/packaging/flows_per_integration.py).
FLOW_RESULTS = {
    "aws": "hello from s3",
    "gcp": "hello from gcs",
    "snowflake": [[42]],
    "slack": ["deployed"],
    "email": "sent over starttls",
    "dbt": ["seed.headrace_sample.raw_customers", "seed.headrace_sample.raw_orders"],
    "dask": [2, 4, 6],
    "ray": {"doubled": [2, 4, 6]},  # and "worker_headrace": checked apart
}
# two processes at once; dbt and Ray (the slowest to start) in different ones
FLOW_GROUPS = (("dbt", "aws", "slack", "gcp"), ("ray", "dask", "snowflake", "email"))


def _version(source: Path) -> str:
    return tomllib.loads((source / "pyproject.toml").read_text())["project"]["version"]


def _run(args: list[str], env: dict[str, str] | None = None, **kwargs) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build_wheels(workdir: Path) -> list[Path]:
    out = workdir / "wheels"
    out.mkdir()
    build = "import sys, setuptools.build_meta as b; print(b.build_wheel(sys.argv[1]))"

    def one(name: str) -> Path:
        tree = workdir / "src" / name
        _copy_sources(SOURCES[name], tree)
        wheel = _run([sys.executable, "-c", build, str(out)], cwd=tree).strip().splitlines()[-1]
        return out / wheel

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, SOURCES))


def _source_files(source: Path) -> list[str]:
    """The files a clean checkout has under `source` (relative paths): tracked or new, not
    git-ignored (so no build/, egg-info or caches), and not deleted in the working tree."""
    listing = ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"]
    names = _run(listing, cwd=source).split("\0")
    return [name for name in names if name and (source / name).is_file()]


def _copy_sources(source: Path, tree: Path) -> None:
    for name in _source_files(source):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, tree / name)


def _make_venv(workdir: Path, wheels: list[Path]) -> Path:
    venv = workdir / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    _run([*pip, "install", "--quiet", "--no-deps", "--no-index", *map(str, wheels)])
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    ours = sysconfig.get_paths()
    deps = dict.fromkeys([ours["purelib"], ours["platlib"]])  # after the install: see above
    (Path(site.strip()) / "_project_venv_dependencies.pth").write_text("\n".join(deps) + "\n")
    return venv


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("wheels")
    return _make_venv(workdir, _build_wheels(workdir))


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HEADRACE_", "PYTHON", "VIRTUAL_ENV", "PYTEST_", "COV_"))
    }
    return {**env, "HEADRACE_HOME": str(home)}


def test_wheels_install_and_work_in_a_fresh_venv(venv: Path, tmp_path: Path) -> None:
    """One test, so that pytest-xdist never builds the wheels twice."""
    env = _env(tmp_path / "home")
    bin_dir = venv / "bin"
    _check_contents(venv, env)
    _check_dependencies(venv, env)
    _check_plugins(bin_dir, env)
    _check_migrate_rules(bin_dir, env, tmp_path / "legacy")
    _check_flows(bin_dir, env, tmp_path)
    _check_a_wheel_missing_its_rules_is_reported(venv, env)  # last: it breaks the venv


def _check_contents(venv: Path, env: dict[str, str]) -> None:
    """Each package comes from the new venv, is typed, and knows its version."""
    packages = ["headrace", *(f"headrace_{n}" for n in INTEGRATIONS)]
    code = (
        "import importlib, json, sys\n"
        "mods = {n: importlib.import_module(n) for n in sys.argv[1:]}\n"
        "print(json.dumps({n: [m.__file__, m.__version__] for n, m in mods.items()}))\n"
    )
    found = json.loads(_run([str(venv / "bin" / "python"), "-c", code, *packages], env))
    for package, (init_file, version) in found.items():
        init = Path(init_file)
        assert venv in init.parents, f"{package} imported from {init}, not the new venv"
        assert (init.parent / "py.typed").is_file(), f"{package} ships no py.typed"
        source = SOURCES[package.replace("_", "-")]
        assert version == _version(source), package
    for name in INTEGRATIONS:  # every subpackage, e.g. the `migrate/` a package list forgot
        package = SOURCES[f"headrace-{name}"] / f"headrace_{name}"
        installed = Path(found[f"headrace_{name}"][0]).parent
        for init in package.rglob("__init__.py"):
            assert (installed / init.relative_to(package)).is_file(), init
    # package data, all of it: the dbt sample project, headrace's web UI, py.typed
    sample = Path(found["headrace_dbt"][0]).parent / "testing" / "sample_project"
    source = SOURCES["headrace-dbt"] / "headrace_dbt" / "testing" / "sample_project"
    shipped = {p.relative_to(sample).as_posix() for p in sample.rglob("*") if p.is_file()}
    assert shipped == set(_source_files(source))
    headrace_dir = Path(found["headrace"][0]).parent
    core_data = [name for name in _source_files(ROOT / "core") if not name.endswith(".py")]
    assert core_data, "core/ holds no data files (py.typed at least)"
    missing = [name for name in core_data if not (headrace_dir / name).is_file()]
    assert not missing, f"not in the headrace wheel: {missing}"


def _check_dependencies(venv: Path, env: dict[str, str]) -> None:
    """What the wheels' metadata requires is what the environment holds."""
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    _run([*pip, "--disable-pip-version-check", "check"], env)


def _check_plugins(bin_dir: Path, env: dict[str, str]) -> None:
    records = json.loads(_run([str(bin_dir / "headrace"), "plugins", "--json"], env))
    failed = {r["name"]: r["error"] for r in records if r["status"] != "loaded"}
    assert not failed, failed
    by_name = {record["name"]: record for record in records}
    for name in INTEGRATIONS:
        record = by_name[name]
        assert record["distribution"] == f"headrace-{name}"
        assert record["version"] == _version(SOURCES[f"headrace-{name}"])
        assert record["hooks"], name


def _check_migrate_rules(bin_dir: Path, env: dict[str, str], folder: Path) -> None:
    folder.mkdir()
    for name, (before, _, _) in LEGACY.items():
        (folder / f"{name}_flow.py").write_text(before)
    codes = ",".join(code for _, code, _ in LEGACY.values())
    done = subprocess.run(
        [str(bin_dir / "headrace"), "migrate", "--diff", "--only", codes, str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # 1: files would change
    diffs = _diff_by_file(done.stdout)
    for name, (_, code, after) in LEGACY.items():
        assert after in diffs.get(f"{name}_flow.py", ""), f"{code} did not rewrite:\n{done.stdout}"


def _diff_by_file(diff: str) -> dict[str, str]:
    """A unified diff of several files, split into one text per file name."""
    files: dict[str, str] = {}
    name = ""
    for line in diff.splitlines(keepends=True):
        if line.startswith("--- "):
            name = Path(line[4:].strip()).name
        files[name] = files.get(name, "") + line
    return files


def _check_flows(bin_dir: Path, env: dict[str, str], workdir: Path) -> None:
    script = str(HERE / "flows_per_integration.py")

    def run(group: tuple[str, ...]) -> dict:
        folder = workdir / "flows" / group[0]
        folder.mkdir(parents=True)
        out = _run([str(bin_dir / "python"), script, str(folder), *group], env)
        return json.loads(out.strip().splitlines()[-1])  # the last line; run logs may precede

    with ThreadPoolExecutor(max_workers=len(FLOW_GROUPS)) as pool:
        results = {k: v for part in pool.map(run, FLOW_GROUPS) for k, v in part.items()}
    worker_headrace = Path(results["ray"].pop("worker_headrace"))
    assert results == FLOW_RESULTS
    assert bin_dir.parent in worker_headrace.parents  # Ray's workers run the wheel too


def _check_a_wheel_missing_its_rules_is_reported(venv: Path, env: dict[str, str]) -> None:
    """The aws wheel of old lacked its migrate rules and still showed as loaded."""
    code = "import headrace_aws; print(headrace_aws.__file__)"
    package = Path(_run([str(venv / "bin" / "python"), "-c", code], env).strip()).parent
    rules = list(package.glob("migrate*"))
    assert rules, f"no migrate rules in {package}"
    for path in rules:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    records = json.loads(_run([str(venv / "bin" / "headrace"), "plugins", "--json"], env))
    status = {record["name"]: record for record in records}
    assert status["aws"]["status"] == "failed"
    assert "ModuleNotFoundError" in status["aws"]["hook_errors"]["register_migrate_rules"]
    assert {status[name]["status"] for name in INTEGRATIONS if name != "aws"} == {"loaded"}
