"""`headrace block`: list block types, and create, list, inspect and delete saved blocks.

Secret values never appear in output, and are never taken from the command line (where
they would land in shell history and `ps`): they are read from a hidden prompt, or one
line each from stdin when stdin is not a terminal.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from headrace.blocks import documents
from headrace.blocks.errors import BlockError  # no pydantic: cheap to import with the CLI
from headrace.blocks.names import did_you_mean, validate_name
from headrace.blocks.registry import block_type_source, block_types, lookup_block_type
from headrace.cli._output import json_option, not_supported, print_json, table
from headrace.store import get_store


def _fail(exc: Exception) -> None:
    raise click.ClickException(str(exc)) from None


@click.group("block")
def block() -> None:
    """Work with blocks: typed, named configuration saved in the store."""


@block.group("type", invoke_without_command=True)
@click.pass_context
def type_(ctx: click.Context) -> None:
    """Block types (built-in and from plugins): ls, inspect; alone it lists them."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(types_ls)


block.add_command(type_, "types")


def _type_json(slug: str, cls: type) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": cls.__name__,
        "class": f"{cls.__module__}.{cls.__qualname__}",
        "capabilities": sorted(cls.get_block_capabilities()),
        "source": block_type_source(slug),
        "description": cls.get_description() or "",
    }


@type_.command("ls")
@json_option
def types_ls(as_json: bool = False) -> None:
    """List the registered block types."""
    found = [_type_json(slug, cls) for slug, cls in block_types().items()]
    if as_json:
        print_json(found)
        return
    table(
        ["Slug", "Class", "Capabilities", "From", "Description"],
        [
            [
                t["slug"],
                t["class"],
                ", ".join(t["capabilities"]),
                t["source"] or "(defined in code)",
                t["description"],
            ]
            for t in found
        ],
        optional=("Class", "From"),
    )


@type_.command("inspect")
@click.argument("slug")
@json_option
def types_inspect(slug: str, as_json: bool) -> None:
    """A block type: its fields (secret ones marked) and where it comes from."""
    from headrace.secrets import is_secret_annotation

    try:
        cls = lookup_block_type(slug)
    except BlockError as exc:
        _fail(exc)
    data = _type_json(slug, cls)
    data["fields"] = [
        {
            "name": name,
            "type": getattr(info.annotation, "__name__", str(info.annotation)),
            "required": info.is_required(),
            "secret": is_secret_annotation(info.annotation),
            "description": info.description,
        }
        for name, info in cls.model_fields.items()
    ]
    if as_json:
        print_json(data)
        return
    for key in ("slug", "class", "source", "description"):
        click.echo(f"{key + ':':<13} {data[key] or '-'}")
    click.echo(f"{'capabilities:':<13} {', '.join(data['capabilities']) or '-'}")
    click.echo("fields:")
    for field in data["fields"]:
        flags = ", ".join(f for f in ("required", "secret") if field[f])
        click.echo(f"  {field['name']}: {field['type']}" + (f" ({flags})" if flags else ""))


type_.add_command(
    not_supported(
        "block type delete",
        "block types come from code and plugins, not the store; uninstall or disable the "
        "plugin (HEADRACE_DISABLE_PLUGINS) to remove one",
    )
)


@block.command("ls")
@click.option("--type", "slug", default=None, help="Only blocks of this type slug.")
@json_option
def ls(slug: str | None, as_json: bool) -> None:
    """List saved blocks (never their values)."""
    rows = documents.list_documents(get_store(), slug)
    found = [
        {
            "reference": row.reference,
            "block_type_slug": row.block_type_slug,
            "name": row.name,
            "created": row.created,
            "updated": row.updated,
        }
        for row in rows
    ]
    if as_json:
        print_json(found)
        return
    if not rows:
        click.echo("No blocks saved." if slug is None else f"No {slug!r} blocks saved.")
        return
    table(
        ["Block", "Type", "Name", "Updated"],
        [[b["reference"], b["block_type_slug"], b["name"], b["updated"]] for b in found],
    )


@block.command("inspect")
@click.argument("reference", metavar="SLUG/NAME")
@json_option
def inspect_(reference: str, as_json: bool) -> None:
    """Show a saved block's fields, secrets masked."""
    # deferred: blocks bring pydantic, loaded only when this command runs
    from headrace.blocks import codec
    from headrace.blocks.core import Block

    try:
        loaded = Block.load(reference)
    except BlockError as exc:
        _fail(exc)
    slug = loaded.get_block_type_slug()
    row = documents.get(get_store(), slug, loaded._block_document_name or "")
    data = {
        "reference": row.reference,
        "block_type_slug": slug,
        "block_type": type(loaded).__name__,
        "name": row.name,
        "schema_version": row.schema_version,
        "created": row.created,
        "updated": row.updated,
        "fields": codec.masked_fields(loaded),
    }
    if as_json:
        print_json(data)
        return
    click.echo(f"block:          {row.reference}")
    click.echo(f"type:           {type(loaded).__name__} ({slug})")
    click.echo(f"schema version: {row.schema_version}")
    click.echo(f"created:        {row.created}")
    click.echo(f"updated:        {row.updated}")
    click.echo("fields:")
    for key, value in data["fields"].items():
        click.echo(f"  {key}: {json.dumps(value)}")


@block.command("delete")
@click.argument("reference", metavar="SLUG/NAME")
def delete(reference: str) -> None:
    """Delete a saved block (refused while another block references it)."""
    # deferred: blocks bring pydantic, loaded only when this command runs
    from headrace.blocks.core import Block

    try:
        Block.delete(reference)
    except BlockError as exc:
        _fail(exc)
    click.echo(f"Deleted block {reference}.")


def _parse_fields(pairs: tuple[str, ...]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--field")
        fields[key.strip()] = value
    return fields


def _value_from_text(cls: type, field: str, text: str) -> Any:
    """A command-line value: JSON objects/arrays/null parsed, a `slug/name` block loaded."""
    # deferred: blocks bring pydantic, loaded only when this command runs
    from headrace.blocks.core import Block, resolve_block_reference

    if _mentions(cls.model_fields[field].annotation, Block) and "/" in text:
        return resolve_block_reference(text)
    if text[:1] not in "{[n":
        return text
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return parsed if parsed is None or isinstance(parsed, (dict, list)) else text


def _mentions(annotation: Any, base: type) -> bool:
    """True if a field's type is, or wraps (`X | None`, `list[X]`), a subclass of `base`."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, base):
        return True
    return any(_mentions(arg, base) for arg in typing.get_args(annotation))


def _secret_from_text(cls: type, field: str, text: str) -> Any:
    """A typed secret: a `SecretDict` field takes a JSON object, the others the text as is."""
    # deferred: blocks bring pydantic, loaded only when this command runs
    from headrace.secrets import SecretDict

    if not _mentions(cls.model_fields[field].annotation, SecretDict):
        return text
    try:
        return json.loads(text)
    except ValueError:
        raise click.UsageError(f"secret field {field!r} expects a JSON object") from None


def _read_secret(field: str, required: bool) -> str | None:
    if sys.stdin is None or not sys.stdin.isatty():
        line = sys.stdin.readline() if sys.stdin is not None else ""
        if not line and required:
            raise click.UsageError(f"secret field {field!r}: expected one line on stdin")
        return line.rstrip("\r\n") or None
    hint = "" if required else " (Enter to keep the default)"
    value = click.prompt(
        f"{field}{hint}", hide_input=True, default="" if not required else None, show_default=False
    )
    return value or None


@block.command("create")
@click.argument("type_slug", metavar="TYPE")
@click.argument("name")
@click.option("--field", "-f", "pairs", multiple=True, metavar="KEY=VALUE", help="A field value.")
@click.option("--overwrite", is_flag=True, help="Replace a block saved under this name.")
def create(type_slug: str, name: str, pairs: tuple[str, ...], overwrite: bool) -> None:
    """Create a block of TYPE named NAME; secret fields are prompted for (or read from stdin).

    Non-secret fields come from --field KEY=VALUE; JSON objects and arrays are parsed, and a
    field holding a block takes a SLUG/NAME reference to a saved one.
    """
    # deferred: blocks bring pydantic, loaded only when this command runs
    from pydantic import ValidationError

    from headrace.secrets import is_secret_annotation

    try:
        validate_name(name)
        cls = lookup_block_type(type_slug)
    except BlockError as exc:
        _fail(exc)
    given = _parse_fields(pairs)
    model_fields = cls.model_fields
    for key in given:
        if key not in model_fields:
            raise click.BadParameter(
                f"{cls.__name__} has no field {key!r}.{did_you_mean(key, model_fields)} "
                f"Fields: {', '.join(model_fields)}",
                param_hint="--field",
            )
        if is_secret_annotation(model_fields[key].annotation):
            raise click.BadParameter(
                f"{key!r} is a secret field: it is never taken from the command line. Leave it "
                f"out and type it at the prompt, or pipe it on stdin.",
                param_hint="--field",
            )
    try:
        values = {key: _value_from_text(cls, key, text) for key, text in given.items()}
    except BlockError as exc:
        _fail(exc)
    for key, info in model_fields.items():
        if is_secret_annotation(info.annotation):
            secret = _read_secret(key, info.is_required())
            if secret is not None:
                values[key] = _secret_from_text(cls, key, secret)
    try:
        instance = cls(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False)
        )
        raise click.ClickException(f"invalid {cls.__name__}: {problems}") from None
    try:
        instance.save(name, overwrite=overwrite)
    except BlockError as exc:
        _fail(exc)
    click.echo(f"Created block {cls.get_block_type_slug()}/{name}.")
