"""Jinja templates of automations and webhooks, rendered in a sandbox.

A template can read what it is given (the event, the objects it concerns) and nothing
else: no attribute starting with `_`, no calls into Python internals. Templates are
checked when an automation or webhook is saved, so a typo fails there and not when the
event arrives.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment


class TemplateError(ValueError):
    """A template that does not parse or cannot be rendered."""


@functools.cache
def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
    env.filters["tojson"] = lambda value: json.dumps(value, default=str)
    env.filters["from_json"] = json.loads
    return env


def is_template(text: Any) -> bool:
    return isinstance(text, str) and ("{{" in text or "{%" in text)


def check(text: str, where: str) -> None:
    """Raise TemplateError naming `where` if `text` is not a valid template."""
    try:
        _environment().parse(text)
    except TemplateSyntaxError as exc:
        problem = f"{exc.message}, line {exc.lineno}"
        raise TemplateError(f"{where}: invalid template ({problem})") from None


def render(text: str, context: dict[str, Any], where: str = "template") -> str:
    """`text` rendered with `context`; TemplateError if rendering fails."""
    if not is_template(text):
        return text
    try:
        return _environment().from_string(text).render(**context)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{where}: invalid template ({exc.message})") from None
    except Exception as exc:  # undefined names, sandbox refusals, filter errors
        raise TemplateError(f"{where}: cannot render ({type(exc).__name__}: {exc})") from None


def check_values(value: Any, where: str) -> None:
    """Check every template string inside a JSON-like value."""
    if isinstance(value, str):
        if is_template(value):
            check(value, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_values(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_values(item, f"{where}[{index}]")


def render_values(value: Any, context: dict[str, Any], where: str) -> Any:
    """A JSON-like value with every template string rendered (a dict
    `{"__prefect_kind": "json", "value": ...}` is rendered, then parsed as JSON)."""
    if isinstance(value, str):
        return render(value, context, where)
    if isinstance(value, dict):
        kind = value.get("__prefect_kind")
        if kind == "jinja":
            return render(str(value.get("template", "")), context, where)
        if kind == "json":
            rendered = render_values(value.get("value"), context, where)
            try:
                return json.loads(rendered) if isinstance(rendered, str) else rendered
            except ValueError as exc:
                raise TemplateError(f"{where}: not JSON after rendering ({exc})") from None
        return {k: render_values(v, context, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [render_values(item, context, f"{where}[{i}]") for i, item in enumerate(value)]
    return value
