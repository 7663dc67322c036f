"""Prefect 3's Flow/Task/TaskRunner/context API surface: names, hooks, methods,
entrypoint loading, runners used directly, contexts and `Flow.visualize`."""

from __future__ import annotations

import asyncio
import textwrap
from contextvars import ContextVar

import pytest

from headrace import flow, tags, task
from headrace.context import (
    ContextModel,
    TagsContext,
    hydrated_context,
    serialize_context,
)
from headrace.exceptions import InvalidNameError, ReservedArgumentError, ScriptError
from headrace.flows import (
    Flow,
    load_flow_arguments_from_entrypoint,
    load_flow_from_entrypoint,
    safe_load_flow_from_entrypoint,
)
from headrace.task_runners import ThreadPoolTaskRunner


def test_invalid_names_and_run_names_raise_at_decoration() -> None:
    with pytest.raises(InvalidNameError, match="contains an invalid character"):
        Flow(lambda: 1, name="a/b")
    assert Flow(lambda: 1).name == "unknown-lambda"
    with pytest.raises(TypeError, match="Expected string or callable for 'flow_run_name'"):
        Flow(lambda: 1, flow_run_name=object())
    with pytest.raises(TypeError, match="Expected string or callable for 'task_run_name'"):
        task(task_run_name=3)(lambda: 1)
    with pytest.raises(ReservedArgumentError):
        task(lambda wait_for: 1)
    with pytest.raises(ValueError, match="more than 50 retry delays"):
        task(retries=2, retry_delay_seconds=list(range(51)))(lambda: 1)


def test_hooks_by_decorator_and_async_hooks_both_run() -> None:
    seen: list[str] = []

    async def async_hook(flow, flow_run, state):
        seen.append("async")

    @flow(on_completion=[async_hook])
    def my_flow() -> int:
        return 1

    @my_flow.on_completion
    def sync_hook(flow, flow_run, state):
        seen.append("sync")

    assert my_flow(return_state=True).is_completed()
    assert seen == ["async", "sync"]
    assert my_flow.with_options(name="copy").on_completion_hooks == [async_hook, sync_hook]


def test_flows_and_tasks_as_methods() -> None:
    class Thing:
        def __init__(self, x: int) -> None:
            self.x = x

        @flow
        def doubled(self) -> int:
            return self.add(self.x)

        @task
        def add(self, y: int) -> int:
            return self.x + y

        @flow
        @classmethod
        def kind(cls) -> str:
            return cls.__name__

    assert Thing(3).doubled() == 6
    assert isinstance(Thing(1).doubled, Flow)
    assert Thing.kind() == "Thing"


def test_persist_result_follows_storage_and_cache_options() -> None:
    assert task(lambda: 1).persist_result is None
    assert task(cache_key_fn=lambda *_: "k")(lambda: 1).persist_result is True
    assert Flow(lambda: 1, result_serializer="json").persist_result is True


def test_task_key_and_source_code() -> None:
    @task
    def my_task() -> int:
        return 42

    assert my_task.task_key.startswith("my_task-")
    assert "return 42" in my_task.source_code


def test_map_spreads_var_keyword_arguments() -> None:
    @task
    def add(x, **kwargs):
        return x + kwargs["y"]

    @flow
    def mapped():
        return add.map([1, 2, 3], y=[4, 5, 6]).result()

    assert mapped() == [5, 7, 9]


def test_entrypoints_load_and_safe_load(tmp_path) -> None:
    script = tmp_path / "flows.py"
    script.write_text(
        textwrap.dedent(
            '''
            from headrace import flow
            from missing_module import Missing
            version = "2"

            class Dog:
                @flow(name=f"bark-{version}", description="woof")
                @staticmethod
                def bark(n: Missing = Missing) -> str:
                    """Barks."""
                    return ("woof", n)
            '''
        )
    )
    entrypoint = f"{script}:Dog.bark"
    loaded = load_flow_from_entrypoint(entrypoint)  # the script cannot import: placeholder
    assert (loaded.name, loaded.description, loaded()) == ("bark-2", "woof", ("woof", None))
    with pytest.raises(ScriptError):
        load_flow_from_entrypoint(entrypoint, use_placeholder_flow=False)
    assert load_flow_arguments_from_entrypoint(entrypoint) == {
        "name": "bark-2",
        "description": "woof",
    }
    with pytest.raises(ValueError, match="Could not find object"):
        safe_load_flow_from_entrypoint(f"{script}:nothing")


def test_task_runner_used_directly() -> None:
    @task
    def pair(a, b):
        return (a, b, TagsContext.get().current_tags)

    runner = ThreadPoolTaskRunner(max_workers=2)
    with pytest.raises(RuntimeError, match="Task runner is not started"):
        runner.submit(pair, {"a": 1, "b": 2})
    assert runner.duplicate() == runner and runner != ThreadPoolTaskRunner(3)
    with tags("t"), runner:
        assert runner.submit(pair, {"a": 1, "b": 2}).result() == (1, 2, {"t"})
        futures = runner.map(pair, {"a": [1, 2], "b": [3, 4]})
        assert [f.result()[:2] for f in futures] == [(1, 3), (2, 4)]


def test_context_model_and_serialized_contexts() -> None:
    class Example(ContextModel):
        __var__ = ContextVar("example")
        x: int

    with pytest.raises(ValueError):
        Example(x="not a number")
    outer = Example(x=1)
    with outer:
        with pytest.raises(RuntimeError, match="Context already entered"):
            outer.__enter__()
        with Example(x=2):
            assert Example.get().x == 2
        assert Example.get().x == 1
    assert Example.get() is None
    with tags("a", "b"):
        serialized = serialize_context()
    assert serialized["tags_context"] == {"current_tags": {"a", "b"}}
    with hydrated_context(serialized):
        assert TagsContext.get().current_tags == {"a", "b"}


def test_visualize_draws_task_calls_without_running_them() -> None:
    ran: list[str] = []

    @task
    def extract() -> list[int]:
        ran.append("extract")
        return [1, 2]

    @task
    def load(rows) -> None:
        ran.append("load")

    @flow
    def etl() -> None:
        load(extract())

    graph = etl.visualize()
    assert ran == []
    assert graph.splitlines()[3:] == [
        "flowchart TD",
        '    n0["extract"]',
        '    n1["load"]',
        "    n0 --> n1",
    ]
    assert asyncio.run(etl.avisualize()) == etl.generate_mermaid_graph() == graph
