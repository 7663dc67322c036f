"""`headrace config` and `headrace profile`: the settings in force, where each comes from,
whether each is valid, and the profiles file that `config set` writes.

Every setting is described once, in `headrace.settings` (its names, default, help, whether
it is secret); these commands only show and check that table. A value comes from the
environment (`HEADRACE_*`, else `PREFECT_*`), else the active profile of the profiles file
(`HEADRACE_PROFILES_PATH`), else its default. Secret values are never printed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import click

from headrace import settings
from headrace.cli._output import json_option, print_json
from headrace.settings import SettingDefinition, SettingsError

MASK = "********"


@contextmanager
def _settings_errors() -> Iterator[None]:
    """A bad profiles file or setting becomes `Error: ...` and exit status 1."""
    try:
        yield
    except (SettingsError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def _definitions() -> dict[str, SettingDefinition]:
    return {d.name: d for d in settings.iter_setting_definitions()}


def _shown(definition: SettingDefinition | None, value: str | None) -> str | None:
    return MASK if definition is not None and definition.secret and value else value


def _active_profile() -> settings.Profile:
    with _settings_errors():
        return settings.load_current_profile()


def _value_and_source(
    d: SettingDefinition, profile: settings.Profile
) -> tuple[str | None, str | None]:
    """The raw text in force and where it comes from (None, None: left at its default)."""
    for name in (d.name, d.prefect_name):
        if name in os.environ:
            return os.environ[name], "env" if name == d.name else f"env ({name})"
    if d.in_profiles:
        for name in (d.name, d.prefect_name):
            if name in profile.settings:
                return str(profile.settings[name]), f"profile {profile.name!r}"
    return None, None


def _rows(show_defaults: bool) -> tuple[str, list[dict[str, object]]]:
    profile = _active_profile()
    rows: list[dict[str, object]] = []
    definitions = _definitions()
    for d in definitions.values():
        value, source = _value_and_source(d, profile)
        if source is None:
            if not show_defaults:
                continue
            value, source = d.default, "default"
        rows.append({"name": d.name, "value": _shown(d, value), "source": source})
    known = set(definitions) | {d.prefect_name for d in definitions.values()}
    for name in sorted(os.environ):
        if name.startswith("HEADRACE_") and name not in known:
            rows.append({"name": name, "value": MASK, "source": "env (unknown)"})
    return profile.name, rows


@click.group("config")
def config() -> None:
    """The settings in force: environment, then the active profile, then defaults."""


@config.command("view")
@click.option("--show-defaults/--hide-defaults", default=False, help="Also settings left unset.")
@click.option("--show-sources/--hide-sources", default=True, help="Where each value comes from.")
@click.option("--show-secrets", is_flag=True, help="Kept for Prefect's flags: secrets stay masked.")
@json_option
def view(show_defaults: bool, show_sources: bool, show_secrets: bool, as_json: bool) -> None:
    """Show the settings set (and, with --show-defaults, the others); secrets masked."""
    profile_name, rows = _rows(show_defaults)
    if as_json:
        print_json(rows)
        return
    click.echo(f"HEADRACE_PROFILE='{profile_name}'")
    for row in rows:
        source = f" (from {row['source']})" if show_sources else ""
        value = "(unset)" if row["value"] is None else row["value"]
        click.echo(f"{row['name']}='{value}'{source}")


@config.command("validate")
def validate() -> None:
    """Check every setting in the environment and the active profile; exit 1 naming each
    bad one."""
    definitions = _definitions()
    known = set(definitions) | {d.prefect_name for d in definitions.values()}
    profile = _active_profile()
    problems: list[str] = []
    warnings: list[str] = []
    in_profile = {key: str(value) for key, value in profile.settings.items()}
    sources = [("", dict(os.environ)), (f" (profile {profile.name!r})", in_profile)]
    for where, values in sources:
        for name, value in sorted(values.items()):
            if not name.startswith(("HEADRACE_", "PREFECT_")):
                continue
            if name not in known:
                if name.startswith("HEADRACE_") or where:
                    warnings.append(f"{name}{where} is not a headrace setting (a typo?)")
                continue
            try:
                settings.validate(name, value)
            except SettingsError as exc:
                problems.append(f"{exc}{where}")
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if problems:
        for problem in problems:
            click.echo(f"invalid: {problem}", err=True)
        raise SystemExit(1)
    click.echo("Settings are valid.")


def _known(name: str) -> SettingDefinition:
    with _settings_errors():
        canonical = settings.setting_name(name)
    return _definitions()[canonical]


def _profile_only(d: SettingDefinition) -> None:
    if not d.in_profiles:
        raise click.ClickException(
            f"{d.name} is read from the environment only (before settings load, or once at "
            f"import), so a profile cannot set it; export {d.name}=... instead"
        )


def _overridden(d: SettingDefinition) -> None:
    for name in (d.name, d.prefect_name):
        if name in os.environ:
            click.echo(
                f"warning: {name} is set in the environment, which wins over the profile",
                err=True,
            )


@config.command("set")
@click.argument("settings_", nargs=-1, required=True, metavar="NAME=VALUE...")
def set_(settings_: tuple[str, ...]) -> None:
    """Set settings in the active profile (nothing is written if one is invalid)."""
    updates: dict[str, str | None] = {}
    chosen: list[tuple[SettingDefinition, str]] = []
    for item in settings_:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"expected NAME=VALUE, got {item!r}")
        d = _known(name)
        _profile_only(d)
        with _settings_errors():
            settings.validate(name.strip(), value)  # the error names it as the user did
        updates[d.name], updates[d.prefect_name] = value, None
        chosen.append((d, value))
    with _settings_errors():
        profile = settings.update_current_profile(updates)
    for d, value in chosen:
        click.echo(f"Set {d.name}='{_shown(d, value)}'.")
        _overridden(d)
    click.echo(f"Updated profile {profile.name!r}.")


@config.command("unset")
@click.argument("names", nargs=-1, required=True)
def unset(names: tuple[str, ...]) -> None:
    """Remove settings from the active profile (their defaults apply again)."""
    profile = _active_profile()
    updates: dict[str, str | None] = {}
    for name in names:
        d = _known(name)
        if d.name not in profile.settings and d.prefect_name not in profile.settings:
            raise click.ClickException(f"{d.name} is not set in profile {profile.name!r}")
        updates[d.name] = updates[d.prefect_name] = None
    with _settings_errors():
        settings.update_current_profile(updates)
    for name in names:
        click.echo(f"Unset {_known(name).name}.")
    click.echo(f"Updated profile {profile.name!r}.")


@click.group("profile")
def profile() -> None:
    """Named sets of settings in the profiles file ($HEADRACE_HOME/profiles.toml)."""


def _profiles() -> settings.ProfilesCollection:
    with _settings_errors():
        return settings.load_profiles()


def _existing(profiles: settings.ProfilesCollection, name: str) -> settings.Profile:
    if name not in profiles.names:
        known = ", ".join(sorted(profiles.names))
        raise click.ClickException(f"profile {name!r} not found (known: {known})")
    return profiles[name]


def _save(profiles: settings.ProfilesCollection) -> None:
    with _settings_errors():
        settings.save_profiles(profiles)


@profile.command("ls")
@json_option
def profile_ls(as_json: bool) -> None:
    """List the profiles; `*` marks the active one."""
    active = _active_profile().name
    names = sorted(_profiles().names)
    if as_json:
        print_json([{"name": name, "active": name == active} for name in names])
        return
    for name in names:
        click.echo(f"{'*' if name == active else ' '} {name}")


@profile.command("create")
@click.argument("name")
@click.option("--from", "from_", default=None, help="Copy the settings of this profile.")
def profile_create(name: str, from_: str | None) -> None:
    """Create a profile (empty, or a copy of another)."""
    profiles = _profiles()
    if name in profiles.names:
        raise click.ClickException(f"profile {name!r} already exists")
    copied = dict(_existing(profiles, from_).settings) if from_ else {}
    profiles.add_profile(settings.Profile(name, copied))
    _save(profiles)
    click.echo(f"Created profile {name!r}; switch to it with `headrace profile use {name}`.")


@profile.command("use")
@click.argument("name")
def profile_use(name: str) -> None:
    """Make a profile the active one."""
    profiles = _profiles()
    _existing(profiles, name)
    profiles.set_active(name)
    _save(profiles)
    click.echo(f"Profile {name!r} is now active.")
    for variable in ("HEADRACE_PROFILE", "PREFECT_PROFILE"):
        if os.environ.get(variable):
            click.echo(f"warning: {variable} is set in the environment and wins", err=True)


@profile.command("delete")
@click.argument("name")
def profile_delete(name: str) -> None:
    """Delete a profile (not the active one)."""
    profiles = _profiles()
    _existing(profiles, name)
    if name == _active_profile().name:
        raise click.ClickException(
            f"profile {name!r} is active; switch to another with `headrace profile use` first"
        )
    profiles.remove_profile(name)
    _save(profiles)
    click.echo(f"Removed profile {name!r}.")


@profile.command("rename")
@click.argument("name")
@click.argument("new_name")
def profile_rename(name: str, new_name: str) -> None:
    """Rename a profile (the active one stays active)."""
    profiles = _profiles()
    old = _existing(profiles, name)
    if new_name in profiles.names:
        raise click.ClickException(f"profile {new_name!r} already exists")
    profiles.remove_profile(name)
    profiles.add_profile(settings.Profile(new_name, dict(old.settings)))
    if profiles.active_name == name:
        profiles.set_active(new_name)
    _save(profiles)
    click.echo(f"Renamed profile {name!r} to {new_name!r}.")


@profile.command("inspect")
@click.argument("name", required=False)
@json_option
def profile_inspect(name: str | None, as_json: bool) -> None:
    """The settings a profile sets (the active one by default); secrets masked."""
    chosen = _existing(_profiles(), name) if name else _active_profile()
    definitions = _definitions()
    shown = {}
    for key, value in chosen.settings.items():
        d = definitions.get(key) or definitions.get("HEADRACE_" + key.partition("_")[2])
        shown[key] = _shown(d, str(value)) if d is not None else MASK
    if as_json:
        print_json(shown)
        return
    if not shown:
        click.echo(f"Profile {chosen.name!r} sets nothing.")
    for key, value in shown.items():
        click.echo(f"{key}='{value}'")
