import pytest

from headrace import task
from headrace.task_runners import PrefectTaskRunner, ThreadPoolTaskRunner


@task
def pair(a, b):
    return a, b


@pytest.mark.parametrize("runner_type", [ThreadPoolTaskRunner, PrefectTaskRunner])
def test_submitting_to_a_runner_that_was_not_entered_is_refused(runner_type):
    with pytest.raises(RuntimeError, match="Task runner is not started"):
        runner_type().submit(pair, {})


def test_map_outside_a_flow_runs_every_call():
    with ThreadPoolTaskRunner(max_workers=2) as runner:
        futures = runner.map(pair, {"a": [1, 2, 3], "b": [4, 5, 6]})
        assert futures.result() == [(1, 4), (2, 5), (3, 6)]
