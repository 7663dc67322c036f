"""The prefect-email migrate rule, run through `headrace migrate` on a before/after file."""

from __future__ import annotations

from click.testing import CliRunner

from headrace.cli import build_cli

BEFORE = """\
from prefect import flow
from prefect_email import EmailServerCredentials, email_send_message


@flow
async def announce():
    creds = await EmailServerCredentials.load("mail")
    await email_send_message(
        subject="hi", msg="done", email_server_credentials=creds, email_to="a@example.com"
    )
"""

AFTER = """\
from headrace import flow
from headrace_email import EmailServerCredentials, email_send_message


@flow
async def announce():
    creds = await EmailServerCredentials.load("mail")
    email_send_message(
        subject="hi", msg="done", email_server_credentials=creds, email_to="a@example.com"
    )
"""


def migrate(*args: str) -> str:
    return CliRunner().invoke(build_cli(), ["migrate", *args], catch_exceptions=False).output


def test_rewrites_and_is_idempotent(tmp_path):
    path = tmp_path / "flows.py"
    path.write_text(BEFORE)
    migrate(str(path))
    assert path.read_text() == AFTER
    migrate(str(path))
    assert path.read_text() == AFTER


def test_prefect_target_keeps_the_await(tmp_path):
    path = tmp_path / "flows.py"
    path.write_text(
        AFTER.replace("headrace", "prefect").replace(
            "    email_send_message(", "    await email_send_message("
        )
    )
    migrate("--target", "prefect", str(path))
    assert "await email_send_message(" in path.read_text()
