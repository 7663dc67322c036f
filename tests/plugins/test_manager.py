"""Loading plugins: built-ins, an installed distribution, broken plugins, the switches."""

from __future__ import annotations

import sys
import types
import warnings

import pytest

from headrace.plugins import (
    PluginError,
    PluginLoadWarning,
    collect,
    get_plugin_manager,
    hookimpl,
    plugin_records,
    register_plugin,
)
from headrace.plugins.hookspecs import HOOK_NAMES
from headrace.plugins.manager import PluginRecord

EXAMPLE_ENTRY_POINTS = {
    "example",
    "broken-import",
    "bad-hook",
    "future-api",
    "half-broken",
    "junk-hook",
}


def _records() -> dict[str, PluginRecord]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginLoadWarning)
        return {record.name: record for record in plugin_records()}


def test_every_hook_is_documented() -> None:
    assert set(HOOK_NAMES) == {
        "register_block_types",
        "register_task_runners",
        "register_result_serializers",
        "register_commands",
        "register_migrate_rules",
    }
    import headrace.plugins.hookspecs as specs

    for name in HOOK_NAMES:
        assert getattr(specs, name).__doc__


def test_builtin_blocks_plugin_uses_the_public_hooks() -> None:
    record = _records()["headrace.builtins.blocks"]
    assert record.loaded and record.builtin
    assert record.distribution == "headrace"
    assert record.hooks == ["register_block_types", "register_commands"]
    assert record.api_version == 1


def test_installed_distribution_is_discovered(example_dist) -> None:
    record = _records()["example"]
    assert record.status == "loaded"
    assert record.distribution == "headrace-example-plugin"
    assert record.version == "0.3.1"
    assert record.module == "headrace_example_plugin.plugin"
    assert record.api_version == 1
    assert record.hooks == ["register_block_types", "register_commands"]
    assert get_plugin_manager().get_plugin("example") is not None


def test_broken_plugins_beside_it_are_skipped_with_a_warning_naming_them(example_dist) -> None:
    with pytest.warns(PluginLoadWarning) as caught:
        records = {record.name: record for record in plugin_records()}
    messages = "\n".join(str(w.message) for w in caught)
    for name in ("broken-import", "bad-hook", "future-api"):
        assert f"plugin {name!r}" in messages
        assert records[name].status == "failed"
        assert get_plugin_manager().get_plugin(name) is None
    assert "headrace_example_missing_dependency" in records["broken-import"].error
    assert "register_commands" in records["bad-hook"].error
    assert "'group'" in records["bad-hook"].error
    assert "HEADRACE_PLUGIN_API = 99" in records["future-api"].error
    assert records["example"].loaded  # the others still load


def test_plugin_block_types_load_without_importing_the_plugin_first(example_dist) -> None:
    from headrace.blocks.core import Block

    assert "headrace_example_plugin.blocks" not in sys.modules
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginLoadWarning)
        with pytest.raises(Exception, match="no block example-credentials/prod"):
            Block.load("example-credentials/prod")  # the type is found through the hook
    example = sys.modules["headrace_example_plugin.blocks"].ExampleCredentials
    example(username="bob", token="t").save("prod")
    loaded = Block.load("example-credentials/prod")
    assert type(loaded) is example and loaded.username == "bob"
    assert loaded.get_block_capabilities() == {"example-login"}


def test_disable_by_entry_point_name(example_dist, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADRACE_DISABLE_PLUGINS", "example, broken-import, half-broken")
    records = _records()
    assert records["example"].status == "disabled"
    assert records["broken-import"].status == "disabled"
    assert records["half-broken"].status == "disabled"
    assert records["bad-hook"].status == "failed"
    assert get_plugin_manager().get_plugin("example") is None
    assert not any(
        getattr(cls, "__module__", "").startswith("headrace_example_plugin")
        for cls in collect("register_block_types")
    )


def test_disable_a_whole_distribution(example_dist, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADRACE_DISABLE_PLUGINS", "Headrace_Example_Plugin")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PluginLoadWarning)
        records = {record.name: record for record in plugin_records()}
    assert {records[name].status for name in EXAMPLE_ENTRY_POINTS} == {"disabled"}
    mentioned = [str(w.message) for w in caught if "headrace_example_plugin" in str(w.message)]
    assert mentioned == []  # none of its modules was even imported


def test_disable_a_builtin_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADRACE_DISABLE_PLUGINS", "headrace.builtins.blocks")
    assert _records()["headrace.builtins.blocks"].status == "disabled"
    assert get_plugin_manager().get_plugin("headrace.builtins.blocks") is None


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_autoload_switch(example_dist, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("HEADRACE_DISABLE_PLUGIN_AUTOLOAD", value)
    records = _records()
    assert not EXAMPLE_ENTRY_POINTS & set(records)
    assert records["headrace.builtins.blocks"].loaded  # built-ins are not entry points


def _module(name: str, **attrs: object) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    return module


def test_register_plugin_by_hand_and_collect() -> None:
    from headrace.task_runners import ThreadPoolTaskRunner

    class Marker(ThreadPoolTaskRunner):
        pass

    @hookimpl
    def register_task_runners() -> list[type]:
        return [Marker]

    record = register_plugin(
        _module("by_hand", register_task_runners=register_task_runners), "hand"
    )
    assert record.loaded and record.hooks == ["register_task_runners"]
    assert Marker in collect("register_task_runners")
    assert record in plugin_records()


def test_a_misspelt_hook_is_refused() -> None:
    @hookimpl
    def register_block_type() -> list[type]:  # missing "s"
        return []

    with pytest.raises(PluginError, match="register_block_type"):
        register_plugin(_module("typo", register_block_type=register_block_type), "typo")
    assert get_plugin_manager().get_plugin("typo") is None
    assert _records()["typo"].status == "failed"


@pytest.mark.parametrize(
    ("declared", "reason"), [("1", "must be an integer"), (0, "upgrade the plugin")]
)
def test_api_version_is_checked(declared: object, reason: str) -> None:
    with pytest.raises(PluginError, match=reason):
        register_plugin(_module("old", HEADRACE_PLUGIN_API=declared), "old")


def test_a_failing_hook_does_not_hide_the_other_plugins_results() -> None:
    @hookimpl
    def register_block_types() -> list[type]:
        raise RuntimeError("boom")

    register_plugin(_module("raising", register_block_types=register_block_types), "raising")
    with pytest.warns(PluginLoadWarning, match="'raising' failed in register_block_types: .*boom"):
        found = collect("register_block_types")
    assert {cls.__name__ for cls in found} >= {"Secret", "JSON", "LocalFileSystem"}


def test_block_types_hook_returning_junk_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from headrace.blocks.registry import block_types

    @hookimpl
    def register_block_types() -> list[object]:
        return ["not a class"]

    register_plugin(_module("junk", register_block_types=register_block_types), "junk")
    with pytest.warns(PluginLoadWarning, match="'junk' failed in register_block_types: returned"):
        assert "secret" in block_types()
    assert _records()["junk"].status == "failed"
    assert "not a Block subclass" in _records()["junk"].hook_errors["register_block_types"]


def test_reset_reloads() -> None:
    from headrace.plugins import reset_plugin_manager

    first = get_plugin_manager()
    reset_plugin_manager()
    assert get_plugin_manager() is not first


def test_builtin_not_installed_is_quiet_but_a_broken_builtin_warns(
    example_dist, monkeypatch: pytest.MonkeyPatch
) -> None:
    from headrace.plugins import manager

    monkeypatch.setenv("HEADRACE_DISABLE_PLUGIN_AUTOLOAD", "1")
    broken = "headrace_example_plugin.broken_import"  # stands in for a built-in with a bad import
    renamed = "headrace.migrate.plugin_that_was_renamed"  # its part is installed: an error
    monkeypatch.setattr(
        manager,
        "DEFAULT_PLUGINS",
        (*manager.DEFAULT_PLUGINS, "headrace.not_shipped", broken, renamed),
    )
    with pytest.warns(PluginLoadWarning) as caught:
        records = {record.name: record for record in plugin_records()}
    assert [str(w.message) for w in caught if "not_shipped" in str(w.message)] == []
    assert records["headrace.not_shipped"].error == "not installed"
    assert "headrace_example_missing_dependency" in records[broken].error
    assert records[renamed].status == "failed"
    assert "ModuleNotFoundError" in records[renamed].error
    assert any(renamed in str(w.message) for w in caught)
    assert records["headrace.builtins.blocks"].loaded


def test_the_manager_follows_the_plugin_environment(example_dist, monkeypatch) -> None:
    """A manager built while plugins were switched off is not kept once they are back on."""
    assert get_plugin_manager().get_plugin("example") is not None
    monkeypatch.setenv("HEADRACE_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert get_plugin_manager().get_plugin("example") is None
    monkeypatch.delenv("HEADRACE_DISABLE_PLUGIN_AUTOLOAD")
    assert get_plugin_manager().get_plugin("example") is not None
    monkeypatch.setenv("HEADRACE_DISABLE_PLUGINS", "example")
    assert get_plugin_manager().get_plugin("example") is None
