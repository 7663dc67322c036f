"""migrate keeps behaviour: class-based tasks configured on `self` and value blocks saved
in code run the same after migration, on headrace, in a real interpreter and store."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from migrate_helpers import migrate_text

CLASS_TASKS = textwrap.dedent(
    """\
    from prefect import Flow, Task


    class Multiply(Task):
        \"\"\"Multiply by a factor.\"\"\"

        def __init__(self, factor: int = 2, offset=0, **kwargs):
            self.factor = factor
            self.shift = offset * 10
            super().__init__(**kwargs)

        def run(self, x):
            self.logger.info("multiplying %s", x)
            result = x * self.factor + self.shift
            print("OUT", x, "->", result)
            return result


    class Greet(Task):
        def __init__(self, *args, greeting="hello", **kwargs):
            super().__init__(*args, **kwargs)
            self.greeting = greeting

        def run(self, who):
            print("OUT", f"{self.greeting}, {who}")


    with Flow("calc") as flow:
        double = Multiply()
        a = double(3)
        b = Multiply(factor=5, offset=1, max_retries=2)(a)
        t = Multiply(3, name="triple")
        c = t(b)
        Greet(greeting="hi")("bob", upstream_tasks=[c])

    flow.run()
    """
)
#: what Prefect 1.x prints for CLASS_TASKS: 3*2+0, 6*5+1*10, 40*3+0, then the greeting
CLASS_TASKS_OUT = ["OUT 3 -> 6", "OUT 6 -> 40", "OUT 40 -> 120", "OUT hi, bob"]

VALUE_BLOCKS = textwrap.dedent(
    """\
    from prefect import flow
    from prefect.blocks.system import JSON, String


    @flow
    def configure():
        JSON(value={"retries": 3, "regions": ["eu", "us"]}).save("etl-config", overwrite=True)
        greeting = String(value="hello")
        greeting.save(name="greeting", overwrite=True)


    @flow
    def run():
        config = JSON.load("etl-config").value
        print("OUT", config["retries"], config["regions"])
        print("OUT", String.load("greeting").value)


    if __name__ == "__main__":
        configure()
        run()
    """
)
VALUE_BLOCKS_OUT = ["OUT 3 ['eu', 'us']", "OUT hello"]


def _run(path: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HEADRACE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, *args, str(path)] if path.suffix == ".py" else [sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=path.parent,
        timeout=120,
    )


def _printed(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stdout.splitlines() if line.startswith("OUT")]


def test_class_task_with_configuration_on_self_becomes_a_factory_and_runs(tmp_path) -> None:
    migrated = migrate_text(CLASS_TASKS, target="headrace")
    assert "TODO(headrace-migrate P102)" not in migrated.code
    assert "def Multiply(factor: int = 2, offset=0):" in migrated.code
    assert '@task(name="Multiply")' in migrated.code
    assert "Multiply(factor=5, offset=1).with_options(retries=2)(a)" in migrated.code
    assert migrate_text(migrated.code, target="headrace").code == migrated.code
    script = tmp_path / "calc.py"
    script.write_text(migrated.code)
    proc = _run(script, tmp_path / "home")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _printed(proc) == CLASS_TASKS_OUT


UNCONVERTIBLE = {
    "state written during a run": (
        "    def __init__(self, start=0, **kwargs):\n"
        "        self.count = start\n"
        "        super().__init__(**kwargs)\n\n"
        "    def run(self):\n"
        "        self.count += 1\n"
        "        return self.count\n"
    ),
    "a Task attribute read": (
        "    def __init__(self, start=0, **kwargs):\n"
        "        self.count = start\n"
        "        super().__init__(**kwargs)\n\n"
        "    def run(self):\n"
        "        return self.name, self.count\n"
    ),
    "a parameter rebound from itself": (
        "    def __init__(self, n=1, **kwargs):\n"
        "        self.n = n * 2\n"
        "        self.m = n + 1\n"
        "        super().__init__(**kwargs)\n\n"
        "    def run(self):\n"
        "        return self.n + self.m\n"
    ),
    "options given to super": (
        "    def __init__(self, n=1, **kwargs):\n"
        "        self.n = n\n"
        "        super().__init__(max_retries=3, **kwargs)\n\n"
        "    def run(self):\n"
        "        return self.n\n"
    ),
    "a run name a setting would shadow": (
        "    def __init__(self, n=1, **kwargs):\n"
        "        self.n = n\n"
        "        super().__init__(**kwargs)\n\n"
        "    def run(self, x):\n"
        "        n = x\n"
        "        return self.n + n\n"
    ),
    "another method": (
        "    def __init__(self, n=1, **kwargs):\n"
        "        self.n = n\n"
        "        super().__init__(**kwargs)\n\n"
        "    def helper(self):\n"
        "        return 1\n\n"
        "    def run(self):\n"
        "        return self.n\n"
    ),
}


@pytest.mark.parametrize("body", UNCONVERTIBLE.values(), ids=list(UNCONVERTIBLE))
def test_class_tasks_of_other_shapes_keep_their_class_and_a_todo(body: str) -> None:
    source = "from prefect import Task\n\n\nclass Counter(Task):\n" + body
    migrated = migrate_text(source, target="headrace")
    assert "class Counter(Task):" in migrated.code
    assert "TODO(headrace-migrate P102): class-based task Counter" in migrated.code


def test_value_blocks_saved_and_loaded_in_code_print_the_same(tmp_path) -> None:
    migrated = migrate_text(VALUE_BLOCKS, target="headrace")
    assert 'Variable.set("etl-config", {"retries": 3' in migrated.code
    assert 'Variable.set("greeting", "hello", overwrite=True)' in migrated.code
    assert "greeting = String" not in migrated.code
    assert "TODO(headrace-migrate P208)" not in migrated.code  # the file creates them
    script = tmp_path / "config.py"
    script.write_text(migrated.code)
    proc = _run(script, tmp_path / "home")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _printed(proc) == VALUE_BLOCKS_OUT


def test_blocks_to_variables_moves_saved_documents_in_a_real_store(tmp_path) -> None:
    home = tmp_path / "home"
    save = tmp_path / "save.py"
    save.write_text(
        "from headrace.blocks.system import JSON, String\n"
        "from headrace.variables import Variable\n"
        "JSON(value={'retries': 3, 'regions': ['eu', 'us']}).save('etl-config')\n"
        "String(value='hello').save('greeting')\n"
        "Variable.set('taken', 'a different value')\n"
        "String(value='mine').save('taken')\n"
    )
    assert _run(save, home).returncode == 0
    moved = _run(tmp_path, home, "-m", "headrace", "migrate", "blocks-to-variables")
    assert moved.returncode == 1, moved.stderr  # one block skipped
    assert "moved      json/etl-config: variable 'etl-config'" in moved.stdout
    assert "moved      string/greeting: variable 'greeting'" in moved.stdout
    assert "skipped    string/taken: a variable of that name holds another value" in moved.stdout
    # the migrated loading code now finds the values the blocks held
    migrated = migrate_text(VALUE_BLOCKS, target="headrace").code
    loader = tmp_path / "load.py"
    loader.write_text(migrated.replace("        configure()\n", ""))
    proc = _run(loader, home)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _printed(proc) == VALUE_BLOCKS_OUT
    check = tmp_path / "check.py"
    check.write_text(
        "from headrace.blocks.system import JSON, String\n"
        "from headrace.variables import Variable\n"
        "for cls, name in ((JSON, 'etl-config'), (String, 'greeting'), (String, 'taken')):\n"
        "    try:\n"
        "        cls.load(name)\n"
        "        print('OUT block', name)\n"
        "    except Exception:\n"
        "        print('OUT gone', name)\n"
        "print('OUT', Variable.get('taken'))\n"
    )
    assert _printed(_run(check, home)) == [
        "OUT gone etl-config",
        "OUT gone greeting",
        "OUT block taken",
        "OUT a different value",
    ]
