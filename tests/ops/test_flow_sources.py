"""Flow.from_source with code storages, to_deployment's Prefect 3 shape, Runner.start."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from headrace import flow
from headrace.client.schemas.objects import ConcurrencyLimitConfig
from headrace.client.schemas.schedules import CronSchedule, IntervalSchedule
from headrace.deployments import records, run_deployment
from headrace.deployments.runner import RunnerDeployment
from headrace.filesystems import LocalFileSystem
from headrace.flows import Flow
from headrace.runner import Runner
from headrace.runner.storage import GitRepository, LocalStorage, RunnerStorage
from headrace.store import get_store
from headrace.types.entrypoint import EntrypointType

FLOWS = "from headrace import flow\n\n@flow\ndef double(x: int = 2) -> int:\n    return 2 * x\n"


@flow
def module_level(n: int = 1) -> int:
    return n


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with flows.py and a package, committed."""
    repo = tmp_path / "origin.git"
    (repo / "pkg").mkdir(parents=True)
    (repo / "flows.py").write_text(FLOWS)
    (repo / "pkg" / "__init__.py").write_text("")
    (repo / "pkg" / "jobs.py").write_text(FLOWS.replace("double", "triple").replace("2 *", "3 *"))
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", ".", cwd=repo)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "flows", cwd=repo)
    return repo


def test_a_local_directory_is_used_in_place(tmp_path: Path) -> None:
    (tmp_path / "flows.py").write_text(FLOWS)
    loaded = Flow.from_source(str(tmp_path), "flows.py:double")
    assert loaded(x=5) == 10
    assert loaded._storage == LocalStorage(tmp_path)
    deployment = loaded.with_options(name="renamed").to_deployment("d")
    assert (deployment.flow_name, deployment.path, deployment.entrypoint) == (
        "renamed",
        str(tmp_path.resolve()),
        "flows.py:double",
    )


def test_a_git_repository_is_cloned_loaded_and_cleaned_up(repo: Path) -> None:
    path_before, modules_before = list(sys.path), set(sys.modules)
    loaded = Flow.from_source(f"file://{repo}", "flows.py:double")
    assert isinstance(loaded._storage, GitRepository)
    assert loaded(x=4) == 8
    module_path = flow.from_source(GitRepository(url=f"file://{repo}"), "pkg.jobs.triple")
    assert module_path(x=4) == 12
    assert sys.path == path_before  # the temporary checkout is gone and not on the path
    assert not {m for m in set(sys.modules) - modules_before if m.startswith("pkg")}
    # a work pool's worker imports from this machine's files: remote code is refused
    records.create_work_pool("local")
    with pytest.raises(ValueError, match="workers import flows from this machine's files"):
        loaded.deploy("d", work_pool_name="local", print_next_steps=False)


def test_git_credentials_stay_out_of_errors_and_reprs() -> None:
    storage = GitRepository(
        url="https://127.0.0.1:9/org/repo.git", credentials={"access_token": "s3cr3t-token"}
    )
    assert "s3cr3t" not in repr(storage)
    with pytest.raises(RuntimeError) as caught:
        Flow.from_source(storage, "flows.py:double")
    assert "Failed to pull from https://127.0.0.1:9/org/repo.git" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)


def test_storage_blocks_and_custom_storages(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "flows.py").write_text(FLOWS)
    block_flow = Flow.from_source(
        LocalFileSystem(basepath=str(tmp_path / "src")), "flows.py:double"
    )
    assert block_flow() == 4

    class Inline:  # any object with the RunnerStorage members works
        def __init__(self) -> None:
            self.base = Path.cwd()
            self.pulls = 0

        def set_base_path(self, path: Path) -> None:
            self.base = path

        @property
        def destination(self) -> Path:
            return self.base / "code"

        @property
        def pull_interval(self) -> int:
            return 60

        async def pull_code(self) -> None:
            self.pulls += 1
            self.destination.mkdir(parents=True, exist_ok=True)
            (self.destination / "flows.py").write_text(FLOWS)

    storage = Inline()
    assert isinstance(storage, RunnerStorage)
    assert Flow.from_source(storage, "flows.py:double")(x=1) == 2
    assert storage.pulls == 1
    with pytest.raises(TypeError, match="Unsupported source type 'object'"):
        Flow.from_source(object(), "flows.py:double")


async def test_from_source_is_awaitable_in_async_code(tmp_path: Path) -> None:
    (tmp_path / "flows.py").write_text(FLOWS)
    loaded = await Flow.from_source(str(tmp_path), "flows.py:double")
    assert loaded.name == "double"
    deployment = await loaded.ato_deployment("from-async")
    assert deployment.storage == LocalStorage(tmp_path)


def test_to_deployment_options_as_in_prefect() -> None:
    deployment = module_level.to_deployment(
        "nightly",
        cron="0 3 * * *",
        concurrency_limit=ConcurrencyLimitConfig(limit=2, collision_strategy="CANCEL_NEW"),
    )
    assert isinstance(deployment, RunnerDeployment)
    assert deployment.schedules[0].schedule == CronSchedule(cron="0 3 * * *")
    assert deployment.concurrency_limit == 2
    assert deployment.concurrency_options.collision_strategy == "CANCEL_NEW"
    assert isinstance(
        module_level.to_deployment("i", interval=60).schedules[0].schedule, IntervalSchedule
    )
    by_module = module_level.to_deployment("m", entrypoint_type=EntrypointType.MODULE_PATH)
    assert by_module.entrypoint == f"{__name__}.module_level"
    assert module_level.to_deployment(__file__).name == Path(__file__).stem
    with pytest.raises(
        ValueError, match="Only one of interval, cron, rrule, schedule, or schedules"
    ):
        module_level.to_deployment("x", interval=60, cron="* * * * *")


def test_runner_start_runs_once_and_pauses_schedules_on_shutdown() -> None:
    runner = Runner(name="once", pause_on_shutdown=True)
    deployment_id = runner.add_flow(module_level, name="hourly", interval=3600)
    requested = run_deployment("module-level/hourly", parameters={"n": 7}, timeout=0).id
    asyncio.run(runner.start(run_once=True))
    get_store().flush()
    runs = {run["id"]: run["state_type"] for run in records.deployment_runs(deployment_id)}
    assert runs == {requested: "COMPLETED"}  # the next scheduled runs were dropped
    assert records.get_deployment(deployment_id).paused


def test_an_unenforced_deployment_concurrency_limit_is_said_when_saved() -> None:
    deployment = module_level.to_deployment("limited", concurrency_limit=3)
    with pytest.warns(UserWarning, match="concurrency_limit is not enforced"):
        Runner().add_deployment(deployment)


def test_a_safe_loaded_classmethod_flow_is_bound_to_its_class(tmp_path: Path) -> None:
    from headrace.flows import safe_load_flow_from_entrypoint
    from headrace.utilities.callables import parameter_schema

    (tmp_path / "owner.py").write_text(
        "from headrace import flow\nimport not_installed_here\n\n"
        "class Owner:\n    @flow\n    @classmethod\n"
        "    def greet(cls, name: str) -> str:\n        return f'{cls.__name__}:{name}'\n"
    )
    loaded = safe_load_flow_from_entrypoint(f"{tmp_path / 'owner.py'}:Owner.greet")
    assert loaded("ada") == "Owner:ada"
    schema = parameter_schema(loaded).model_dump()
    assert schema["properties"] == {"name": {"position": 1, "title": "name", "type": "string"}}
