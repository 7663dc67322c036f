"""P204: `Deployment.build_from_flow(...)` + `.apply()` -> `flow.deploy(...)`.

The options map onto `deploy()`: `schedule` -> `schedules=[...]`, `infra_overrides` ->
`job_variables` (dotted keys become nested dicts), `infrastructure` -> a work pool;
`storage` -> `from_source(...)` (left as a TODO: the entrypoint must be checked).
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_2X, Rule
from headrace.migrate.rules._util import (
    assigned_call,
    bare_calls,
    code,
    kwarg,
    make_arg,
    one_per_line,
    positional,
    short,
    string_value,
    with_args,
)

_BUILD = {
    "prefect.deployments.Deployment.build_from_flow",
    "prefect.deployments.deployments.Deployment.build_from_flow",
}
_KEEP = {
    "name",
    "version",
    "description",
    "tags",
    "parameters",
    "work_queue_name",
    "work_pool_name",
    "schedules",
    "job_variables",
    "enforce_parameter_schema",
}
_DROP = {"output", "skip_upload", "apply", "load_existing", "path", "entrypoint", "ignore_file"}


class Deployments(Rule):
    code = "P204"
    name = "deployment-build-from-flow"
    summary = "`Deployment.build_from_flow(flow=f, ...)` + `.apply()` -> `f.deploy(...)`"
    phase = PHASE_2X
    triggers = ("build_from_flow",)
    todo_notes = (
        "infrastructure blocks (create a work pool of the matching type), storage blocks "
        "(f.from_source(source=..., entrypoint=...)), builds that are never applied."
    )

    def leave_IndentedBlock(self, original_node, updated_node):
        return updated_node.with_changes(body=self._rewrite(list(updated_node.body)))

    def leave_Module(self, original_node, updated_node):
        return updated_node.with_changes(body=self._rewrite(list(updated_node.body)))

    def _is_build(self, call: cst.BaseExpression) -> bool:
        return isinstance(call, cst.Call) and self.qualname(call.func) in _BUILD

    def _rewrite(self, body: list) -> list:
        out = list(body)
        self.notes: list[str] = []
        for index, stmt in enumerate(body):
            found = assigned_call(stmt)
            calls = bare_calls(stmt)
            if found and self._is_build(found[1]):
                var, call = found
                apply_at = _apply_index(body, index, var)
                applied = apply_at is not None or _is_true(kwarg(call, "apply"))
                new = self._convert(call, deploy=applied)
                if new is None:
                    continue
                small = stmt.body[0]
                if applied:
                    out[index] = self._noted(stmt.with_changes(body=[cst.Expr(new)]))
                    if apply_at is not None:
                        out[apply_at] = None
                else:
                    out[index] = self._noted(
                        stmt.with_changes(body=[small.with_changes(value=new)])
                    )
            elif calls:
                call = calls[0]
                chained = (
                    isinstance(call.func, cst.Attribute)
                    and call.func.attr.value == "apply"
                    and self._is_build(call.func.value)
                )
                target = call.func.value if chained else call
                if chained or self._is_build(call):
                    new = self._convert(target, deploy=chained or _is_true(kwarg(call, "apply")))
                    if new is not None:
                        out[index] = self._noted(stmt.with_changes(body=[cst.Expr(new)]))
        return [s for s in out if s is not None]

    def _noted(self, stmt):
        for note in self.notes:
            stmt = self.todo_at(stmt, note)
        self.notes = []
        return stmt

    def _convert(self, call: cst.Call, deploy: bool) -> cst.Call | None:
        flow_arg = kwarg(call, "flow") or positional(call, 0)
        if flow_arg is None:
            return None
        args: list[cst.Arg] = []
        has_pool = kwarg(call, "work_pool_name") is not None
        name_arg = positional(call, 1)  # build_from_flow(flow, name, ...)
        for arg in call.args:
            key = arg.keyword.value if arg.keyword else None
            if arg is name_arg:
                arg = make_arg("name", arg.value)
                key = "name"
            if arg is flow_arg or key in _DROP:
                continue
            if key in _KEEP:
                args.append(arg)
            elif key == "schedule":
                args.append(make_arg("schedules", cst.List([cst.Element(arg.value)])))
            elif key == "infra_overrides":
                args.append(make_arg("job_variables", _nest(arg.value)))
            elif key == "infrastructure":
                args += self._infrastructure(arg.value)
            elif key == "storage":
                self.notes.append(
                    f"storage={short(arg.value)}: deploy from it with "
                    f'{short(flow_arg.value)}.from_source(source=..., entrypoint="file.py:flow")'
                )
            elif key == "is_schedule_active":
                args.append(make_arg("paused", cst.UnaryOperation(cst.Not(), arg.value)))
            else:
                self.notes.append(
                    f"build_from_flow option {key}={short(arg.value)} has no deploy() equivalent"
                )
        if deploy and not has_pool:
            args.append(make_arg("work_pool_name", cst.SimpleString('"default"')))
            self.notes.append(
                f"deploy() needs a work pool: create one (or use "
                f"{short(flow_arg.value)}.serve(...) "
                "to run in-process)"
            )
        method = "deploy" if deploy else "to_deployment"
        if not deploy:
            self.notes.append(
                "to_deployment() builds it and .apply() registers it; a worker needs "
                "work_pool_name=... (or serve it in-process with flow.serve(...))"
            )
        func = cst.Attribute(value=flow_arg.value, attr=cst.Name(method))
        new = with_args(call.with_changes(func=func), _merge_job_variables(args))
        return one_per_line(new) if "\n" in code(call) else new

    def _infrastructure(self, value: cst.BaseExpression) -> list[cst.Arg]:
        """A literal infrastructure block: its settings become job variables of a work pool
        of the matching type; a loaded block (`.load("x")`) is left to a human."""
        kind = (self.qualname(value.func) or "") if isinstance(value, cst.Call) else ""
        pool = _POOL_TYPES.get(kind.rpartition(".")[2])
        if pool is None:
            self.notes.append(
                f"infrastructure={short(value)}: create a work pool of that type and name it "
                "in work_pool_name= (its settings go to job_variables=)"
            )
            return []
        self.notes.append(f"infrastructure={short(value)}: create a {pool!r} work pool")
        elements = [
            cst.DictElement(cst.SimpleString(f'"{a.keyword.value}"'), a.value)
            for a in value.args
            if a.keyword is not None
        ]
        return [make_arg("job_variables", cst.Dict(elements))] if elements else []


_POOL_TYPES = {
    "Process": "process",
    "DockerContainer": "docker",
    "KubernetesJob": "kubernetes",
    "ECSTask": "ecs",
    "CloudRunJob": "cloud-run",
    "VertexAIJob": "vertex-ai",
}


def _merge_job_variables(args: list[cst.Arg]) -> list[cst.Arg]:
    """One job_variables= argument: literal dicts from infrastructure and overrides merged."""
    found = [a for a in args if a.keyword and a.keyword.value == "job_variables"]
    if len(found) < 2 or not all(isinstance(a.value, cst.Dict) for a in found):
        return args
    elements = [e for a in found for e in a.value.elements]
    merged = make_arg("job_variables", cst.Dict(elements))
    first = args.index(found[0])
    rest = [a for a in args if a not in found]
    return [*rest[:first], merged, *rest[first:]]


def _apply_index(body: list, start: int, var: str) -> int | None:
    for index in range(start + 1, len(body)):
        calls = bare_calls(body[index])
        func = calls[0].func if calls and not calls[0].args else None
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "apply"
            and isinstance(func.value, cst.Name)
            and func.value.value == var
        ):
            return index
    return None


def _is_true(arg: cst.Arg | None) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "True"


def _nest(value: cst.BaseExpression) -> cst.BaseExpression:
    """{"env.X": "1"} -> {"env": {"X": "1"}} for literal dicts with dotted string keys."""
    if not isinstance(value, cst.Dict):
        return value
    tree: dict = {}
    for element in value.elements:
        key = string_value(element.key) if isinstance(element, cst.DictElement) else None
        if key is None:
            return value
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                return value
        node[parts[-1]] = element.value
    return _to_dict(tree)


def _to_dict(tree: dict) -> cst.Dict:
    elements = []
    for key, item in tree.items():
        value = _to_dict(item) if isinstance(item, dict) else item
        elements.append(cst.DictElement(cst.SimpleString(f'"{key}"'), value))
    return cst.Dict(elements)
