"""`headrace_mock_task`: swap a task's function for one test and record how it was called.

The Task object stays the same (its name, retries, cache policy and signature), so the
engine still creates task runs, retries and records states; only the code it calls
changes. Calls are recorded by a `unittest.mock.Mock`, so its assertions work too.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any
from unittest import mock

from headrace.tasks import Task

__all__ = ["TaskMock", "TaskMocker"]

_NOT_GIVEN: Any = object()


class TaskMock:
    """One replaced task: `.mock` is the recording Mock, `.calls` the bound arguments."""

    def __init__(self, task: Task, **behaviour: Any) -> None:
        self.task = task
        self.original: Callable[..., Any] = task.fn
        self._signature = inspect.signature(self.original)
        # the spec lets `assert_called_with("x")` match a call made as `f(symbol="x")`
        self.mock = mock.Mock(spec=self.original, **behaviour)

    @property
    def calls(self) -> list[dict[str, Any]]:
        """The arguments of each call by parameter name, e.g. `[{"x": 1}, {"x": 2}]`."""
        return [
            dict(self._signature.bind(*call.args, **call.kwargs).arguments)
            for call in self.mock.call_args_list
        ]

    @property
    def call_count(self) -> int:
        return self.mock.call_count

    @property
    def called(self) -> bool:
        return self.mock.called

    def start(self) -> None:
        behaviour = self.mock
        if self.task.isasync:

            async def replacement(*args: Any, **kwargs: Any) -> Any:
                value = behaviour(*args, **kwargs)
                return await value if inspect.isawaitable(value) else value

        else:

            def replacement(*args: Any, **kwargs: Any) -> Any:
                return behaviour(*args, **kwargs)

        self.task.fn = functools.wraps(self.original)(replacement)

    def stop(self) -> None:
        self.task.fn = self.original

    def __repr__(self) -> str:
        return f"<TaskMock {self.task.name!r} calls={self.call_count}>"


class TaskMocker:
    """What the `headrace_mock_task` fixture returns: call it to replace a task's function."""

    def __init__(self) -> None:
        self._mocks: list[TaskMock] = []

    def __call__(
        self, task: Task, return_value: Any = None, side_effect: Any = _NOT_GIVEN
    ) -> TaskMock:
        """Make `task` return `return_value`, or follow `side_effect` as `Mock` does
        (an exception to raise, a function to call instead, or values to return in turn).
        """
        behaviour = {"return_value": return_value}
        if side_effect is not _NOT_GIVEN:
            behaviour["side_effect"] = side_effect
        return self._start(task, **behaviour)

    def spy(self, task: Task) -> TaskMock:
        """Keep the task's real behaviour but record its calls."""
        _require_task(task)
        return self._start(task, side_effect=task.fn)

    def _start(self, task: Task, **behaviour: Any) -> TaskMock:
        _require_task(task)
        task_mock = TaskMock(task, **behaviour)
        task_mock.start()
        self._mocks.append(task_mock)
        return task_mock

    def never_called(self) -> list[TaskMock]:
        return [task_mock for task_mock in self._mocks if not task_mock.called]

    def stop_all(self) -> None:
        """Restore every replaced function, newest first."""
        while self._mocks:
            self._mocks.pop().stop()


def _require_task(task: Any) -> None:
    if not isinstance(task, Task):
        raise TypeError(f"headrace_mock_task replaces a @task, not {task!r}")
