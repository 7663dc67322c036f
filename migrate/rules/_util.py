"""Small node helpers shared by the rules."""

from __future__ import annotations

import libcst as cst

_EMPTY = cst.Module(body=[])


def code(node: cst.CSTNode) -> str:
    """Source text of a node (for TODO messages and templates)."""
    return _EMPTY.code_for_node(node).strip()


#: its public name (`headrace.migrate.source_of`), where `code` would read as a rule code
source_of = code


def short(node: cst.CSTNode, limit: int = 60) -> str:
    """Source text of a node on one line, cut to `limit` characters."""
    text = " ".join(code(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def expr(text: str) -> cst.BaseExpression:
    return cst.parse_expression(text)


def kwarg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional(call: cst.Call, index: int) -> cst.Arg | None:
    plain = [a for a in call.args if a.keyword is None and not a.star]
    return plain[index] if len(plain) > index else None


def make_arg(name: str | None, value: cst.BaseExpression) -> cst.Arg:
    if name is None:
        return cst.Arg(value=value)
    return cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )


def _merge_repeated_list_keywords(args: list[cst.Arg]) -> list[cst.Arg]:
    """A rule may add a keyword the call already has (`state_handlers=` becoming
    `on_failure=` beside an existing `on_failure=`): list values are combined into one
    list. Other repeats are left as they are; the transform's compile check then reports
    the file instead of writing code that would not run."""
    first_at: dict[str, int] = {}
    merged: list[cst.Arg] = []
    for arg in args:
        name = arg.keyword.value if arg.keyword else None
        if name is None or name not in first_at:
            if name is not None:
                first_at[name] = len(merged)
            merged.append(arg)
            continue
        first = merged[first_at[name]]
        if not (isinstance(first.value, cst.List) or isinstance(arg.value, cst.List)):
            merged.append(arg)
            continue
        elements: list[cst.BaseElement] = []
        for value in (first.value, arg.value):
            if isinstance(value, cst.List):
                elements += [
                    e.with_changes(comma=cst.MaybeSentinel.DEFAULT) for e in value.elements
                ]
            else:
                elements.append(cst.StarredElement(value))
        merged[first_at[name]] = first.with_changes(value=cst.List(elements))
    return merged


def with_args(call: cst.Call, args: list[cst.Arg]) -> cst.Call:
    """Replace a call's arguments, keeping commas consistent (no trailing comma added)."""
    args = _merge_repeated_list_keywords(args)
    fixed = []
    for i, arg in enumerate(args):
        last = i == len(args) - 1
        if last:
            comma = (
                arg.comma
                if isinstance(arg.comma, cst.Comma) and _multiline(call)
                else (cst.MaybeSentinel.DEFAULT)
            )
        elif isinstance(arg.comma, cst.Comma):
            comma = arg.comma
        else:
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        fixed.append(arg.with_changes(comma=comma))
    return call.with_changes(args=fixed)


def _multiline(call: cst.Call) -> bool:
    breaks = [getattr(a.comma, "whitespace_after", None) for a in call.args]
    breaks.append(call.whitespace_before_args)
    return any(isinstance(w, cst.ParenthesizedWhitespace) for w in breaks)


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal, else None."""
    if isinstance(node, cst.SimpleString) and "f" not in node.prefix.lower():
        try:
            value = node.evaluated_value
        except Exception:
            return None
        return value if isinstance(value, str) else None
    return None


_UNITS = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}


def timedelta_seconds(node: cst.BaseExpression, is_timedelta) -> cst.BaseExpression:
    """Seconds for a `timedelta(...)` literal (folded when all arguments are numbers),
    `x.total_seconds()` otherwise."""
    if isinstance(node, (cst.Integer, cst.Float)):
        return node
    if isinstance(node, cst.Call) and is_timedelta(node.func):
        total = 0.0
        names = ["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"]
        for i, arg in enumerate(node.args):
            key = arg.keyword.value if arg.keyword else (names[i] if i < len(names) else "")
            if key not in _UNITS or not isinstance(arg.value, (cst.Integer, cst.Float)):
                break
            total += float(arg.value.value) * _UNITS[key]
        else:
            text = str(int(total)) if total == int(total) else repr(total)
            return cst.Integer(text) if "." not in text else cst.Float(text)
    return cst.Call(func=cst.Attribute(value=node, attr=cst.Name("total_seconds")))


def bare_calls(statement: cst.BaseStatement) -> list[cst.Call]:
    """The call of an expression statement `f(...)`, as a list (empty when not that shape)."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            return [small.value]
    return []


def assigned_call(statement: cst.BaseStatement) -> tuple[str, cst.Call] | None:
    """(`x`, call) for `x = call(...)`, else None."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and isinstance(small.value, cst.Call)
        ):
            return small.targets[0].target.value, small.value
    return None


def quote(text: str) -> str:
    """A Python string literal for `text`, in double quotes unless it holds one."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in literal:
        return '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def _line_break(indent: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(indent))


def one_per_line(call: cst.Call) -> cst.Call:
    """A call written over several lines keeps that shape: one argument a line, indented
    one level, a trailing comma, the closing parenthesis back at the statement's indent
    (whatever blank lines or odd indents the removed arguments left behind)."""
    if not call.args:
        return call
    args = [
        arg.with_changes(
            comma=cst.Comma(
                whitespace_after=_line_break("" if i == len(call.args) - 1 else "    ")
            ),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        for i, arg in enumerate(call.args)
    ]
    return call.with_changes(args=args, whitespace_before_args=_line_break("    "))
