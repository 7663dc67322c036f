import datetime as dt
import subprocess
import sys
import textwrap

from headrace import flow, task
from headrace.cache_policies import INPUTS, NONE, TASK_SOURCE
from headrace.tasks import task_input_hash
from headrace.utilities import clock

CALLS: list[str] = []


@task(cache_key_fn=task_input_hash, cache_expiration=dt.timedelta(hours=1))
def expensive_query(sql):
    CALLS.append(sql)
    return [{"result": 42}]


def test_cache_key_fn_reuses_results_within_and_across_flows():
    CALLS.clear()

    @flow
    def pipeline():
        first = expensive_query("SELECT 1")
        second = expensive_query("SELECT 1", return_state=True)
        return first, second.name, second.result()

    assert pipeline() == ([{"result": 42}], "Cached", [{"result": 42}])
    assert pipeline()[1] == "Cached"
    assert CALLS == ["SELECT 1"]
    expensive_query("SELECT 2")
    assert CALLS == ["SELECT 1", "SELECT 2"]


def test_cache_expiration_follows_the_clock():
    CALLS.clear()
    now = [1_000_000.0]
    clock.set_clock(lambda: now[0])
    expensive_query("q")
    expensive_query("q")
    now[0] += 3599
    expensive_query("q")
    assert CALLS == ["q"]
    now[0] += 2
    expensive_query("q")
    assert CALLS == ["q", "q"]


def test_refresh_cache_recomputes():
    CALLS.clear()
    refreshing = expensive_query.with_options(refresh_cache=True)
    expensive_query("r")
    refreshing("r")
    assert CALLS == ["r", "r"]


def test_policies_inputs_none_and_source():
    runs = []

    @task(cache_policy=INPUTS)
    def by_inputs(x):
        runs.append(("inputs", x))
        return x

    @task(cache_policy=NONE)
    def never(x):
        runs.append(("none", x))
        return x

    @task(cache_policy=INPUTS - "noise")
    def ignores_noise(x, noise):
        runs.append(("noise", x))
        return x

    @task(cache_policy=INPUTS + TASK_SOURCE)
    def compound(x):
        runs.append(("compound", x))
        return x

    for _ in range(2):
        by_inputs(1)
        never(1)
        ignores_noise(2, noise=_)
        compound(1)
    assert runs.count(("inputs", 1)) == 1
    assert runs.count(("none", 1)) == 2
    assert runs.count(("noise", 2)) == 1
    assert runs.count(("compound", 1)) == 1


def test_persist_result_turns_on_the_default_policy():
    runs = []

    @task(persist_result=True)
    def add_one(x):
        runs.append(x)
        return x + 1

    @flow
    def pipeline():
        return [
            add_one(1, return_state=True).name,
            add_one(1, return_state=True).name,
            add_one(2, return_state=True).name,
        ]

    assert pipeline() == ["Completed", "Cached", "Completed"]
    assert pipeline() == ["Completed", "Cached", "Completed"]  # RUN_ID: a new flow run
    assert runs == [1, 2, 1, 2]


def test_default_policy_does_not_persist_or_cache():
    runs = []

    @task
    def plain(x):
        runs.append(x)
        return x

    @flow
    def pipeline():
        plain(1)
        plain(1)

    pipeline()
    assert runs == [1, 1]


def test_persisted_result_uses_the_serializer_and_storage(tmp_path):
    @task(
        persist_result=True,
        result_storage=tmp_path / "results",
        result_serializer="json",
        cache_policy=INPUTS,
    )
    def produce(n):
        return {"n": n}

    assert produce(3) == {"n": 3}
    files = list((tmp_path / "results").iterdir())
    assert len(files) == 1
    header, payload = files[0].read_bytes().split(b"\n", 1)
    assert b'"serializer":{"type":"json"' in header
    assert payload == b'{"n": 3}'


def test_cache_is_shared_between_processes(tmp_path, isolated_home):
    script = tmp_path / "cached.py"
    marker = tmp_path / "executions.txt"
    script.write_text(
        textwrap.dedent(
            f"""
            from headrace import flow, task
            from headrace.tasks import task_input_hash

            @task(cache_key_fn=task_input_hash)
            def slow_square(x):
                with open({str(marker)!r}, "a") as handle:
                    handle.write("ran\\n")
                return x * x

            @flow
            def pipeline():
                state = slow_square(12, return_state=True)
                print(state.name, state.result())

            pipeline()
            """
        )
    )
    env = {"HEADRACE_HOME": str(isolated_home), "PATH": "/usr/bin:/bin"}
    outputs = [
        subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, env=env, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert outputs == ["Completed 144", "Cached 144"]
    assert marker.read_text().count("ran") == 1
