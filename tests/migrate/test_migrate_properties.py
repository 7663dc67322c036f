"""Properties over generated legacy modules: the output parses, a second run changes
nothing, and with the headrace target no prefect import is left."""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from migrate_helpers import migrate_text

HEADER = (
    "import prefect\n"
    "from datetime import timedelta\n"
    "from prefect import Flow, Parameter, Task, case, task\n"
    "from prefect.executors import LocalDaskExecutor\n"
    "from prefect.tasks.control_flow import merge\n"
    "from prefect.engine import signals\n"
    "from prefect.task_runners import ConcurrentTaskRunner, SequentialTaskRunner\n"
)
TOP = [
    "@task(max_retries=2, retry_delay=timedelta(seconds=5))\ndef a(x):\n    return x\n",
    "@task(log_stdout=True, timeout=30)\ndef b(x):\n"
    "    logger = prefect.context.get('logger')\n    return x\n",
    "@task\ndef c(x):\n    if x < 0:\n        raise signals.FAIL('negative')\n"
    "    return prefect.context.parameters\n",
    "class D(Task):\n    def run(self, x):\n        return x\n",
    "async def e():\n    fut = await a.submit(1)\n    return await fut.result()\n",
    "RUNNER = ConcurrentTaskRunner()\n",
    "OTHER = SequentialTaskRunner()\n",
]
BODY = [
    "    n = Parameter('n', default=1)\n",
    "    r1 = a(1)\n",
    "    r2 = b(2, upstream_tasks=[r1])\n",
    "    d = D()(3)\n",
    "    big = c(4)\n",
    "    with case(big, True):\n        x1 = a(5)\n    with case(big, False):\n        x2 = b(6)\n"
    "    m = merge(x1, x2)\n",
    "    r3 = a.map([1, 2])\n",
]
TAIL = ["flow.run()\n", "flow.run(parameters={'n': 2})\n", "flow.register('proj')\n", ""]


@st.composite
def legacy_modules(draw) -> str:
    top = draw(st.lists(st.sampled_from(TOP), max_size=4, unique=True))
    body = draw(st.lists(st.sampled_from(BODY), min_size=1, max_size=5, unique=True))
    executor = draw(st.sampled_from(["", ", executor=LocalDaskExecutor(num_workers=2)"]))
    tail = draw(st.sampled_from(TAIL))
    block = f"with Flow('generated'{executor}) as flow:\n" + "".join(body)
    return HEADER + "\n" + "\n".join(top) + "\n" + block + "\n" + tail


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legacy_modules(), st.sampled_from(["headrace", "prefect"]))
def test_generated_modules(source: str, target: str) -> None:
    once = migrate_text(source, target=target)
    ast.parse(once.code)
    assert "with Flow(" not in once.code
    twice = migrate_text(once.code, target=target)
    assert twice.code == once.code
    if target == "headrace":
        tree = ast.parse(once.code)
        roots = [n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        roots += [
            a.name.split(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, ast.Import)
            for a in n.names
        ]
        assert "prefect" not in roots
