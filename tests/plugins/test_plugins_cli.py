"""`headrace plugins` and plugin-provided commands and block types, through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from headrace.cli import build_cli
from headrace.plugins import PluginLoadWarning

PLAIN = "example-token-value"


def _cli():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginLoadWarning)
        return build_cli()


def test_plugins_table_shows_distribution_version_hooks_and_errors(example_dist) -> None:
    with pytest.warns(PluginLoadWarning, match="failed in register_"):  # the hook failures
        result = CliRunner().invoke(_cli(), ["plugins"])
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in (
        "headrace-example-plugin",
        "0.3.1",
        "register_block_types",
        "headrace (built-in)",
        "failed",
        "headrace_example_missing_dependency",
    ):
        assert expected in out


def test_plugin_command_and_block_type_are_usable(example_dist) -> None:
    cli = _cli()
    runner = CliRunner()
    assert runner.invoke(cli, ["example-hello"]).output == "hello from headrace-example-plugin\n"

    types = runner.invoke(cli, ["block", "types"])
    assert "example-credentials" in types.output and "example" in types.output

    created = runner.invoke(
        cli,
        ["block", "create", "example-credentials", "prod", "--field", "username=bob"],
        input=PLAIN + "\n",
    )
    assert created.exit_code == 0, created.output
    shown = runner.invoke(cli, ["block", "inspect", "example-credentials/prod"])
    assert "bob" in shown.output and PLAIN not in shown.output


def _headrace(args: list[str], site: Path, home: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HEADRACE_")}
    environ.update(PYTHONPATH=str(site), HEADRACE_HOME=str(home), **env)
    return subprocess.run(
        [sys.executable, "-m", "headrace", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_fresh_interpreter_discovers_the_installed_distribution(
    plugin_site: Path, headrace_home: Path
) -> None:
    done = _headrace(["plugins", "--json"], plugin_site, headrace_home)
    assert done.returncode == 0, done.stderr
    records = {record["name"]: record for record in json.loads(done.stdout)}
    assert records["example"]["status"] == "loaded"
    assert records["example"]["distribution"] == "headrace-example-plugin"
    for name in ("broken-import", "bad-hook", "future-api"):
        assert records[name]["status"] == "failed" and records[name]["error"]
        assert f"headrace plugin {name!r}" in done.stderr  # the warning names it


def test_a_plugin_whose_hook_fails_when_called_is_reported_failed(
    plugin_site: Path, headrace_home: Path
) -> None:
    done = _headrace(["plugins", "--json"], plugin_site, headrace_home)
    assert done.returncode == 0, done.stderr
    records = {record["name"]: record for record in json.loads(done.stdout)}

    half = records["half-broken"]  # loads fine; one hook imports a module its wheel lacks
    assert half["status"] == "failed"
    assert half["hooks"] == ["register_block_types", "register_migrate_rules"]
    assert list(half["hook_errors"]) == ["register_migrate_rules"]
    assert "ModuleNotFoundError" in half["error"] and "rules_not_shipped" in half["error"]
    assert half["error"].startswith("register_migrate_rules: ")

    junk = records["junk-hook"]
    assert junk["status"] == "failed"
    assert "not a TaskRunner subclass" in junk["hook_errors"]["register_task_runners"]
    assert "headrace plugin 'junk-hook' failed in register_task_runners" in done.stderr

    # the failures hide nothing else: the example plugin and the aws rules still load
    assert records["example"]["status"] == "loaded"
    assert records["aws"]["status"] == "loaded"

    table = _headrace(["plugins"], plugin_site, headrace_home)
    assert "register_migrate_rules: ModuleNotFoundError" in table.stdout


def test_a_failed_hook_leaves_the_plugins_other_hooks_working(
    plugin_site: Path, headrace_home: Path
) -> None:
    types = _headrace(["block", "types"], plugin_site, headrace_home)
    assert types.returncode == 0, types.stderr
    assert "half-broken-settings" in types.stdout and "example-credentials" in types.stdout

    legacy = headrace_home.parent / "legacy_flow.py"
    legacy.write_text("from prefect import Flow\n")
    migrated = _headrace(["migrate", "--diff", str(legacy)], plugin_site, headrace_home)
    assert "+from headrace import Flow" in migrated.stdout, migrated.stderr
    assert "failed in register_migrate_rules" in migrated.stderr


def test_switches_in_a_fresh_interpreter(plugin_site: Path, headrace_home: Path) -> None:
    disabled = _headrace(
        ["plugins", "--json"],
        plugin_site,
        headrace_home,
        HEADRACE_DISABLE_PLUGINS="broken-import,bad-hook,future-api,half-broken,junk-hook",
    )
    assert disabled.returncode == 0, disabled.stderr
    assert "headrace_example_plugin" not in disabled.stderr  # disabled: not even imported
    statuses = {r["name"]: r["status"] for r in json.loads(disabled.stdout)}
    assert statuses["example"] == "loaded" and statuses["bad-hook"] == "disabled"

    no_autoload = _headrace(
        ["plugins", "--json"], plugin_site, headrace_home, HEADRACE_DISABLE_PLUGIN_AUTOLOAD="1"
    )
    names = {r["name"] for r in json.loads(no_autoload.stdout)}
    assert "example" not in names and "headrace.builtins.blocks" in names


def test_blocks_plugin_stays_light_to_import() -> None:
    code = (
        "import sys, headrace.builtins.blocks, headrace.cli.block_cmd, headrace.blocks.errors\n"
        "heavy = [m for m in ('pydantic', 'cryptography', 'fsspec') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
