"""headrace.utilities.callables: the helpers Prefect's plugin and library authors import."""

from __future__ import annotations

import functools
import textwrap
from enum import Enum

import pydantic
import pytest

from headrace.exceptions import ParameterBindError, ReservedArgumentError
from headrace.utilities import callables


class Colour(Enum):
    RED = "RED"
    BLUE = "BLUE"


class Point(pydantic.BaseModel):
    x: int


def test_parameter_schema_describes_types_defaults_positions_and_docstrings():
    class Opaque:
        pass

    def load(source: Point, colour: Colour = Colour.BLUE, json: int = 1, thing: Opaque = None):
        """Load things.

        Args:
            source: where from
            colour (Colour): which one,
                spread over two lines
        """

    schema = callables.parameter_schema(load).model_dump_for_openapi()
    assert schema["required"] == ["source"]
    assert schema["properties"] == {
        "source": {
            "$ref": "#/definitions/Point",
            "title": "source",
            "position": 0,
            "description": "where from",
        },
        "colour": {
            "$ref": "#/definitions/Colour",
            "title": "colour",
            "position": 1,
            "default": "BLUE",
            "description": "which one,\nspread over two lines",
        },
        # a name pydantic's BaseModel also has, and a type it cannot describe
        "json": {"title": "json", "position": 2, "default": 1, "type": "integer"},
        "thing": {"title": "thing", "position": 3, "default": None},
    }
    assert set(schema["definitions"]) == {"Point", "Colour"}


def test_schema_from_an_entrypoint_whose_imports_are_missing(tmp_path):
    script = tmp_path / "flows.py"
    script.write_text(
        textwrap.dedent(
            """
            import not_installed_anywhere
            from pydantic import BaseModel

            class Size(BaseModel):
                n: int

            def f(size: Size, other: not_installed_anywhere.Kind = 3, *, flag: bool = False):
                raise SystemExit("the function body never runs")

            f(1)  # module-level calls are not run either
            """
        )
    )
    schema = callables.parameter_schema_from_entrypoint(f"{script}:f").model_dump_for_openapi()
    assert schema["properties"]["size"]["$ref"] == "#/definitions/Size"
    assert schema["properties"]["other"] == {"title": "other", "position": 1, "default": 3}
    assert schema["properties"]["flag"]["type"] == "boolean"
    with pytest.raises(ValueError, match="nothere"):
        callables.parameter_schema_from_entrypoint(f"{script}:nothere")


def test_get_call_parameters_binds_and_never_shows_values():
    def connect(user, password, port=5432):
        pass

    assert callables.get_call_parameters(connect, ("u", "pw"), {}) == {
        "user": "u",
        "password": "pw",
        "port": 5432,
    }
    with pytest.raises(ParameterBindError) as caught:
        callables.get_call_parameters(connect, ("u", "hunter2"), {"colour": "red"})
    message = str(caught.value)
    assert "hunter2" not in message and "red" not in message
    assert "args: (str, str) and kwargs: ['colour']" in message


def test_variadic_parameters_explode_and_collapse():
    def f(a, **options):
        pass

    exploded = callables.explode_variadic_parameter(f, {"a": 1, "options": {"b": 2}})
    assert exploded == {"a": 1, "b": 2}
    assert callables.collapse_variadic_parameters(f, exploded) == {"a": 1, "options": {"b": 2}}

    def g(a):
        pass

    with pytest.raises(ValueError, match="takes no \\*\\*kwargs"):
        callables.collapse_variadic_parameters(g, {"a": 1, "b": 2})


def test_parameters_to_args_kwargs_respects_a_wrapper_that_forwards_kwargs():
    def forwarding(fn):
        @functools.wraps(fn)
        def wrapper(a, **kwargs):
            return fn(a, **kwargs)

        return wrapper

    @forwarding
    def add(a, b, scale=1):
        return (a + b) * scale

    args, kwargs = callables.parameters_to_args_kwargs(add, {"a": 1, "b": 2, "scale": 3})
    assert (args, kwargs) == ((1,), {"b": 2, "scale": 3})
    assert callables.call_with_parameters(add, {"a": 1, "b": 2, "scale": 3}) == 9

    def h(b, **kwargs):
        pass

    with pytest.raises(TypeError, match="multiple values for argument 'b'"):
        callables.parameters_to_args_kwargs(h, {"b": 1, "kwargs": {"b": 2}})


def test_reserved_arguments_are_refused():
    def f(return_state):
        pass

    with pytest.raises(ReservedArgumentError, match="'return_state' is a reserved"):
        callables.raise_for_reserved_arguments(f, ["return_state"])
