import pytest
from click.testing import CliRunner

from headrace import flow
from headrace.cli import build_cli
from headrace.exceptions import ObjectAlreadyExists
from headrace.variables import Variable


def test_set_get_overwrite_unset():
    Variable.set("config", {"rows": 10})
    assert Variable.get("config") == {"rows": 10}
    with pytest.raises(ObjectAlreadyExists):
        Variable.set("config", 1)
    Variable.set("config", [1, 2], overwrite=True)
    assert Variable.get("config") == [1, 2]
    assert Variable.unset("config") is True
    assert Variable.get("config", default="fallback") == "fallback"


def test_bad_names_and_values_are_refused():
    with pytest.raises(ValueError, match="invalid variable name"):
        Variable.set("Bad Name", 1)
    with pytest.raises(TypeError, match="JSON"):
        Variable.set("blob", object())


def test_variables_inside_flows_and_async():
    import asyncio

    Variable.set("threshold", 3)

    @flow
    def uses_it():
        return Variable.get("threshold") * 2

    assert uses_it() == 6
    assert asyncio.run(Variable.aget("threshold")) == 3


def test_variable_cli():
    runner = CliRunner()
    cli = build_cli()
    assert runner.invoke(cli, ["variable", "set", "region", '"eu"']).exit_code == 0
    got = runner.invoke(cli, ["variable", "get", "region"])
    assert got.output.strip() == '"eu"'
    assert "region" in runner.invoke(cli, ["variable", "ls"]).output
    assert runner.invoke(cli, ["variable", "set", "region", "x"]).exit_code != 0
    assert runner.invoke(cli, ["variable", "unset", "region"]).exit_code == 0
    missing = runner.invoke(cli, ["variable", "get", "region"])
    assert missing.exit_code != 0 and "no variable named" in missing.output
