"""Rules come through the plugin hook: built-ins and an integration's own rules."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from headrace.migrate import Rule, all_rules, migrate_source
from headrace.migrate.rule import PHASE_1X_DETAILS
from headrace.plugins import hookimpl
from headrace.plugins.manager import get_plugin_manager


class ExampleTask(Rule):
    """What an integration package would ship: its 1.x task class -> its current function."""

    code = "TEST901"
    name = "example-task"
    summary = "ExampleTask -> run_example"
    phase = PHASE_1X_DETAILS
    triggers = ("ExampleTask",)

    def leave_Call(self, original_node, updated_node):
        if self.qualname(updated_node.func) == "prefect.tasks.example.ExampleTask":
            self.add_import("prefect_example", "run_example")
            self.todo("pass the configuration of the 1.x task")
            return updated_node.with_changes(func=cst.Name("run_example"))
        return updated_node


class _Plugin:
    @hookimpl
    def register_migrate_rules(self):
        return [ExampleTask]


def test_builtin_rules_come_through_the_hook() -> None:
    codes = [rule.code for rule in all_rules() if rule.code[1:].isdigit()]  # built-ins only
    assert codes[:3] == ["P101", "P102", "P103"]
    assert "P210" in codes and "P199" in codes
    assert codes.index("P117") < codes.index("P201")  # 1.x rules first


def test_plugin_rule_is_collected_and_applied() -> None:
    pm = get_plugin_manager()
    plugin = _Plugin()
    pm.register(plugin, name="test-aws-rules")
    try:
        rules = all_rules()
        assert "TEST901" in [r.code for r in rules]
        source = "from prefect.tasks.example import ExampleTask\n\nExampleTask(bucket='b')\n"
        result = migrate_source(source, rules, target="headrace")
    finally:
        pm.unregister(plugin)
    # headrace ships no headrace_example, so the integration's import keeps its name
    assert "from prefect_example import run_example" in result.code
    assert "run_example(bucket='b')" in result.code
    assert "import ExampleTask" not in result.code
    assert [t.code for t in result.todos] == ["TEST901"]
    assert "TEST901" not in [r.code for r in all_rules()]


def test_migrate_command_is_registered(cli) -> None:
    result = cli("--help")
    assert "migrate" in result.output


class Broken(Rule):
    """A rule with a bug: it must cost one file, not the run."""

    code = "TEST902"
    name = "broken"
    summary = "raises"
    triggers = ("explode",)

    def leave_Call(self, original_node, updated_node):
        raise RuntimeError("rule bug")


def test_a_failing_rule_fails_its_file_only(tmp_path) -> None:
    from headrace.migrate.rules import BUILTIN_RULES
    from headrace.migrate.runner import Options, run

    (tmp_path / "bad.py").write_text("import prefect\nexplode()\n")
    good = tmp_path / "good.py"
    good.write_text("from prefect import task\n\n@task(max_retries=1)\ndef f():\n    pass\n")
    options = Options(rules=(*BUILTIN_RULES, Broken), target="prefect", jobs=1)
    report = run([str(tmp_path)], options)
    statuses = {Path(f.path).name: (f.status, f.error) for f in report.files}
    assert statuses["bad.py"][0] == "failed"
    assert statuses["bad.py"][1] == (
        "rule TEST902 (test_migrate_plugin) failed: RuntimeError: rule bug"
    )
    assert statuses["good.py"] == ("changed", None)
    assert (tmp_path / "bad.py").read_text() == "import prefect\nexplode()\n"


class DropsImport(Rule):
    code = "TEST903"
    name = "drops-import"
    summary = "removes `from legacy import x`"
    triggers = ("legacy",)

    def leave_ImportFrom(self, original_node, updated_node):
        return cst.RemoveFromParent()


class ReadsFirstStatement(Rule):
    code = "TEST904"
    name = "reads-first"
    summary = "looks at body[0] of every line"
    triggers = ("legacy",)

    def leave_SimpleStatementLine(self, original_node, updated_node):
        assert updated_node.body[0] is not None
        return updated_node


def test_rules_never_see_a_line_whose_statements_were_all_removed() -> None:
    source = "from legacy import x\ny = 1\n"
    result = migrate_source(source, [DropsImport, ReadsFirstStatement], target="prefect")
    assert result.code == "y = 1\n"
