"""The first pass: Flow subclasses across files, class-based tasks, flow variables."""

from __future__ import annotations

from migrate_helpers import tree_texts

from headrace.migrate.project import flow_function_name, scan
from headrace.migrate.rules import BUILTIN_RULES
from headrace.migrate.transform import migrate_source


def test_flow_function_names_avoid_clashes() -> None:
    assert flow_function_name("ETL: daily load", "flow", set()) == "etl_daily_load"
    assert flow_function_name("2024 report", "flow", set()) == "flow_2024_report"
    assert flow_function_name("flow", "flow", set()) == "flow_flow"
    assert flow_function_name("etl", "flow", {"etl"}) == "etl_2"
    assert flow_function_name(None, "my_flow", set()) == "my_flow"
    assert flow_function_name("class", "f", set()) == "class_flow"


def test_subclass_of_a_subclass_in_another_module_is_a_flow_class() -> None:
    files = [
        (
            "pipelines/base.py",
            "pipelines.base",
            "from prefect import Flow\nclass Base(Flow):\n    pass\n",
        ),
        (
            "pipelines/team.py",
            "pipelines.team",
            "from pipelines.base import Base\nclass Team(Base):\n    pass\n",
        ),
        (
            "flows/a.py",
            "flows.a",
            "from pipelines.team import Team\nwith Team('a') as flow:\n    pass\n",
        ),
    ]
    info = scan(files)
    assert "pipelines.team.Team" in info.flow_classes
    assert [d.function for d in info.local_flows["flows/a.py"]] == ["a"]


def test_flow_class_option_without_the_class_source() -> None:
    source = "from pipelines.utils.decorators import Flow\n\nwith Flow('x') as flow:\n    pass\n"
    files = [("f.py", "f", source)]
    assert scan(files).local_flows == {}
    info = scan(files, ["pipelines.utils.decorators.Flow"])
    assert "decorators" in info.tokens
    result = migrate_source(source, BUILTIN_RULES, target="prefect", path="f.py", project=info)
    assert "@flow(name='x')\ndef x():" in result.code


def test_registration_script_follows_the_renamed_flow(tmp_path, cli) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "etl.py").write_text(
        "from prefect import Flow\n\nwith Flow('Daily ETL') as flow:\n    pass\n"
    )
    (tmp_path / "register.py").write_text("from flows.etl import flow\n\nflow.register('p')\n")
    cli("migrate", str(tmp_path), "--target", "prefect", "-j", "1")
    texts = tree_texts(tmp_path)
    assert "from flows.etl import daily_etl\n" in texts["register.py"]
    assert 'daily_etl.deploy(name="Daily ETL", work_pool_name="default")' in texts["register.py"]
