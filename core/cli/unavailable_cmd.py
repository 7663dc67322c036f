"""Prefect command groups headrace has no equivalent for: each exits 1 saying why and what
to use instead, so a runbook step fails clearly rather than doing nothing."""

from __future__ import annotations

from headrace.cli._output import not_supported

deploy = not_supported(
    "deploy",
    "prefect.yaml projects are not supported; deploy from Python with "
    "`flow.deploy(name, work_pool_name=...)`, or serve with `headrace flow serve "
    "path/to/file.py:flow --name NAME`",
)
init = not_supported(
    "init", "there are no prefect.yaml project recipes; see `headrace deploy --help`"
)
cloud = not_supported(
    "cloud",
    "headrace has no cloud service; run `headrace server start` and point clients at it "
    "with HEADRACE_API_URL",
)
shell = not_supported(
    "shell", "shell commands are not wrapped as flows; call them from a task (subprocess)"
)
api = not_supported(
    "api",
    "there is no raw API command; the server's API is plain JSON over HTTP under /api "
    "(its reference at /docs), so curl or httpx reach it",
)
transfer = not_supported(
    "transfer", "there is no second workspace to copy to; the store is one database"
)
experimental = not_supported("experimental", "headrace has no experimental commands")
dev = not_supported("dev", "Prefect's development commands build Prefect itself")
sdk = not_supported("sdk", "there is no generated client SDK; import headrace directly")
