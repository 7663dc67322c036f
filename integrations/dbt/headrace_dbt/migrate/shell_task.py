"""Prefect 1.x `DbtShellTask(...)` -> `partial(trigger_dbt_cli_command, ...)`.

A 1.x task is configured once and called in the flow with `command=`; a `partial` of
`trigger_dbt_cli_command` keeps both the configuration and that call working. The
profile arguments become a `DbtCliProfile` block; what has no equivalent gets a TODO.
"""

from __future__ import annotations

import json

import libcst as cst

from headrace.migrate import PHASE_1X_STRUCTURE, Rule

_SHELL_TASK = {"prefect.tasks.dbt.DbtShellTask", "prefect.tasks.dbt.dbt.DbtShellTask"}
_KEPT = {"command", "profiles_dir", "overwrite_profiles"}
_PROFILE = {"profile_name", "environment", "dbt_kwargs"}
_DROPPED = {"set_profiles_envar", "shell", "log_stderr"}
_FIELDS = {"type", "schema", "threads"}
_SECRET_HINTS = ("password", "token", "secret", "private_key", "keyfile")
_EMPTY = cst.Module(body=[])


def _code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node).strip()


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString) and "f" not in node.prefix.lower():
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class DbtShellTaskRule(Rule):
    code = "DBT101"
    name = "dbt-shell-task"
    summary = "1.x `DbtShellTask(...)` -> `partial(trigger_dbt_cli_command, ...)` with a profile"
    phase = PHASE_1X_STRUCTURE
    triggers = ("DbtShellTask",)
    todo_notes = (
        "env= (set the variables before the flow runs), helper_script other than `cd DIR`, "
        "dbt_kwargs that are not a dict literal, secrets in dbt_kwargs, return_all, "
        "and Task options such as max_retries."
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self.qualname(updated_node.func) not in _SHELL_TASK:
            return updated_node
        if any(arg.star or arg.keyword is None for arg in updated_node.args):
            self.todo(
                "DbtShellTask with positional or ** arguments: rewrite it as "
                "trigger_dbt_cli_command(command, dbt_cli_profile=DbtCliProfile(...), ...)"
            )
            return updated_node
        arguments = {arg.keyword.value: arg.value for arg in updated_node.args}  # type: ignore[union-attr]
        parts = ["trigger_dbt_cli_command"]
        parts += [f"{key}={_code(arguments[key])}" for key in sorted(_KEPT & set(arguments))]
        profile = self._profile(arguments)
        if profile:
            parts.append(f"dbt_cli_profile={profile}")
        self._project_dir(arguments.get("helper_script"), parts)
        self._leftovers(arguments)
        self.add_import("functools", "partial")
        self.add_import("prefect_dbt.cli.commands", "trigger_dbt_cli_command")
        if isinstance(updated_node.func, cst.Name):
            self.ctx.obsolete_names.add(updated_node.func.value)
        lines = "".join(f"\n    {part}," for part in parts)
        return cst.parse_expression(f"partial({lines}\n)")

    def _profile(self, arguments: dict[str, cst.BaseExpression]) -> str | None:
        """`DbtCliProfile(...)` source for the profile arguments, or None without dbt_kwargs."""
        kwargs = arguments.get("dbt_kwargs")
        if kwargs is None:
            return None
        configs = self._target_configs(kwargs)
        if configs is None:
            return None
        self.add_import("prefect_dbt.cli.credentials", "DbtCliProfile")
        name = _code(arguments["profile_name"]) if "profile_name" in arguments else '"default"'
        target = _code(arguments["environment"]) if "environment" in arguments else '"dev"'
        return (
            f"DbtCliProfile(\n        name={name},\n        target={target},"
            f"\n        target_configs={configs},\n    )"
        )

    def _target_configs(self, kwargs: cst.BaseExpression) -> str | None:
        if not isinstance(kwargs, cst.Dict) or any(
            not isinstance(el, cst.DictElement) or _string(el.key) is None for el in kwargs.elements
        ):
            self.todo(
                f"dbt_kwargs={_code(kwargs)}: build TargetConfigs(type=..., schema=..., "
                "extras={...}) and pass dbt_cli_profile=DbtCliProfile(...)"
            )
            return None
        fields, extras = [], []
        for element in kwargs.elements:
            key = _string(element.key)  # type: ignore[union-attr]
            value = _code(element.value)
            if key in _FIELDS:
                fields.append(f"{key}={value}")
            else:
                extras.append(f"{_code(element.key)}: {value}")  # type: ignore[union-attr]
                if any(hint in key.lower() for hint in _SECRET_HINTS):  # type: ignore[union-attr]
                    self.todo(
                        f"dbt_kwargs key {key!r} is a secret: move it to TargetConfigs("
                        "secrets={...}) or a saved block instead of code"
                    )
        if extras:
            fields.append("extras={" + ", ".join(extras) + "}")
        self.add_import("prefect_dbt.cli.configs", "TargetConfigs")
        lines = "".join(f"\n            {field}," for field in fields)
        return f"TargetConfigs({lines}\n        )"

    def _project_dir(self, script: cst.BaseExpression | None, parts: list[str]) -> None:
        if script is None:
            return
        text = _string(script) or ""
        words = text.split()
        if len(words) == 2 and words[0] == "cd":
            parts.append(f"project_dir={json.dumps(words[1])}")
            return
        self.todo(
            f"helper_script={_code(script)}: run it before the dbt task "
            "(for `cd DIR`, pass project_dir=DIR)"
        )

    def _leftovers(self, arguments: dict[str, cst.BaseExpression]) -> None:
        if "env" in arguments:
            self.todo(
                f"env={_code(arguments['env'])}: set these variables before the flow runs "
                "(dbt reads them with env_var())"
            )
        if "return_all" in arguments:
            self.todo("return_all: the task now returns a DbtCommandResult with every node")
        handled = _KEPT | _PROFILE | _DROPPED | {"helper_script", "env", "return_all"}
        others = sorted(set(arguments) - handled)
        if others:
            self.todo(
                f"task option(s) {', '.join(others)}: use "
                "trigger_dbt_cli_command.with_options(...) before partial(...)"
            )
