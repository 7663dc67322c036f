"""Generated legacy 1.x programs with awkward names, strings, comments and layouts: the
migrated code must compile, a second run must change nothing, and the program must print
what the 1.x program printed (known from how it is built: tasks run in data order)."""

from __future__ import annotations

import contextlib
import io
import keyword
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from migrate_helpers import migrate_text

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("'\"\\\n\t"),
    max_size=12,
)
_IDENT = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s) and s not in {"flow", "task", "print", "str", "a", "b"}
)
_COMMENT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20
).map(lambda s: "# " + s.replace("\r", "").replace("\x85", ""))


#: run-log lines a console handler may write to the redirected stdout: not the program's
_LOG_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d+ \| ")


@st.composite
def programs(draw):
    # Prefect 3 (and headrace) reject flow names containing any of / % & < >
    flow_name = draw(_TEXT.filter(lambda s: s.strip() != "" and not set(s) & set("/%&<>")))
    param = draw(_IDENT)
    default = draw(st.integers(-5, 5))
    label = draw(_TEXT)
    comment = draw(_COMMENT)
    multiline = draw(st.booleans())
    order = draw(st.sampled_from(["upstream_tasks", "set_upstream", "plain"]))
    second = (
        "    b = shout(\n        a,\n        upstream_tasks=[a],\n    )\n"
        if order == "upstream_tasks" and multiline
        else "    b = shout(a, upstream_tasks=[a])\n"
        if order == "upstream_tasks"
        else "    b = shout(a)\n"
    )
    dependency = (
        "    b.set_upstream(\n        a,\n    )\n"
        if order == "set_upstream" and multiline
        else "    b.set_upstream(a)\n"
        if order == "set_upstream"
        else ""
    )
    source = (
        "from prefect import Flow, Parameter, task\n\n\n"
        f"{comment}\n"
        "@task\n"
        "def shout(x):\n"
        f"    print({label!r}, x)  {comment}\n"
        "    return x * 2\n\n\n"
        f"with Flow({flow_name!r}) as flow:\n"
        f"    {param} = Parameter({param!r}, default={default})\n"
        f"    a = shout({param})\n"
        f"{second}{dependency}\n"
        "flow.run()\n"
    )
    expected = f"{label} {default}\n{label} {default * 2}\n"
    return source, expected


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs())
def test_generated_program_compiles_is_idempotent_and_prints_the_same(program):
    source, expected = program
    compile(source, "<legacy>", "exec")
    result = migrate_text(source, target="headrace")
    code = compile(result.code, "<migrated>", "exec")
    assert not migrate_text(result.code, target="headrace").changed
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {"__name__": "generated"})
    printed = "".join(
        line for line in out.getvalue().splitlines(keepends=True) if not _LOG_LINE.match(line)
    )
    assert printed == expected, result.code


def test_dependency_spread_over_lines_gets_a_one_line_todo() -> None:
    source = (
        "from prefect import Flow\n\n"
        'with Flow("Bob\'s flow") as flow:\n'
        "    a = extract()\n"
        "flow.set_dependencies(\n"
        "    task=a,\n"
        "    upstream_tasks=[UPLOAD],\n"
        ")\n"
        "flow.register(project_name='x')\n"
    )
    result = migrate_text(source, target="headrace")
    compile(result.code, "<migrated>", "exec")
    assert all("\n" not in t.message for t in result.todos)
    assert 'name="Bob\'s flow"' in result.code
