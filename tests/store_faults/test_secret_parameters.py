"""Secret parameter values never reach the store in plain text.

Each test greps every byte of the store directory (database, write-ahead log) for the
secret text after the records are written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults import raw_bytes, rows
from pydantic import BaseModel, SecretBytes, SecretStr

from headrace import flow
from headrace.blocks.system import Secret
from headrace.secret_parameters import MASK
from headrace.secrets import SecretDict
from headrace.states import StateType
from headrace.store import get_store


def _stored_parameters(database: Path) -> dict:
    get_store().flush()
    (text,) = rows(database, "SELECT parameters FROM flow_runs")[0]
    return json.loads(text)


def _assert_absent(home: Path, *secrets: str) -> None:
    get_store().flush()
    data = raw_bytes(home)
    assert data, "nothing was written"
    for secret in secrets:
        assert secret.encode() not in data, f"{secret!r} is in the store in plain text"


class Credentials(BaseModel):
    user: str
    password: SecretStr


def test_secret_values_of_every_kind_are_masked_in_the_run_record(home, database):
    seen = {}

    @flow
    def connect(token: SecretStr, key: SecretBytes, settings: SecretDict, block: Secret, creds):
        seen["token"] = token.get_secret_value()
        seen["password"] = creds.password.get_secret_value()
        return "ok"

    result = connect(
        "plain-token-1",
        SecretBytes(b"plain-bytes-2"),
        SecretDict({"region": "eu", "api": {"key": "plain-dict-3"}}),
        Secret(value="plain-block-4"),
        Credentials(user="ann", password="plain-model-5"),
    )
    assert result == "ok"
    assert seen == {"token": "plain-token-1", "password": "plain-model-5"}
    stored = _stored_parameters(database)
    assert stored["token"] == stored["key"] == stored["block"] == MASK
    assert stored["settings"] == {"region": MASK, "api": {"key": MASK}}
    assert stored["creds"] == {"user": "ann", "password": MASK}
    _assert_absent(
        home, "plain-token-1", "plain-bytes-2", "plain-dict-3", "plain-block-4", "plain-model-5"
    )


def test_secrets_are_masked_when_validation_fails(home, database):
    @flow(flow_run_name="login-{token}")
    def login(token: SecretStr, retries: int):
        return retries

    state = login("plain-token-6", "not a number", return_state=True)
    assert state.type is StateType.FAILED
    assert _stored_parameters(database) == {"token": MASK, "retries": "not a number"}
    (message, name) = rows(database, "SELECT state_message, name FROM flow_runs")[0]
    assert "retries" in message
    assert name == f"login-{MASK}"
    _assert_absent(home, "plain-token-6")


def test_secret_annotations_mask_plain_values_without_validation(home, database):
    @flow(validate_parameters=False)
    def raw(token: SecretStr | None = None, note: str = ""):
        return token

    assert raw("plain-token-7", note="visible") == "plain-token-7"
    assert _stored_parameters(database) == {"token": MASK, "note": "visible"}
    _assert_absent(home, "plain-token-7")


FLOWS = """
import pathlib
from pydantic import SecretStr
from headrace import flow

@flow
def use_token(token: SecretStr, out: str) -> None:
    pathlib.Path(out).write_text(type(token).__name__ + ":" + token.get_secret_value())
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "flows.py").write_text(FLOWS)
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield folder
    sys.modules.pop("flows", None)


def test_deployment_secret_defaults_are_encrypted_and_reach_the_run(project, home, tmp_path):
    from headrace.deployments import load_flow_from_source, records
    from headrace.deployments.deploy import run_deployment
    from headrace.deployments.execution import run_stored_flow_run

    out = tmp_path / "received"
    use_token = load_flow_from_source(project, "flows.py:use_token")
    use_token.to_deployment(
        "secret", parameters={"token": SecretStr("plain-default-8"), "out": str(out)}
    ).apply()
    run = run_deployment("use-token/secret", timeout=0)
    assert run.parameters["token"] == MASK

    state = run_stored_flow_run(use_token, records.run_row(run.id))
    assert state.type is StateType.COMPLETED, state.message
    assert out.read_text() == "SecretStr:plain-default-8"
    _assert_absent(home, "plain-default-8")

    # a secret given for one run is kept the same way
    other = run_deployment(
        "use-token/secret", parameters={"token": SecretStr("plain-override-9")}, timeout=0
    )
    state = run_stored_flow_run(use_token, records.run_row(other.id))
    assert state.type is StateType.COMPLETED
    assert out.read_text() == "SecretStr:plain-override-9"
    _assert_absent(home, "plain-override-9")

    # people see the mask, not the ciphertext
    from click.testing import CliRunner

    from headrace.cli import build_cli

    for command in (["deployment", "inspect", "use-token/secret"], ["deployment", "ls", "--json"]):
        shown = CliRunner().invoke(build_cli(), command)
        assert shown.exit_code == 0, shown.output
        assert MASK in shown.output and "$secret" not in shown.output


def test_a_model_holding_secrets_is_refused_as_a_deployment_default(project, home):
    from headrace.deployments import load_flow_from_source

    use_token = load_flow_from_source(project, "flows.py:use_token")
    deployment = use_token.to_deployment(
        "nested", parameters={"token": Credentials(user="ann", password="plain-model-10")}
    )
    with pytest.raises(ValueError, match="parameter 'token' of deployment 'use-token/nested'"):
        deployment.apply()
    _assert_absent(home, "plain-model-10")


def test_every_secret_kind_is_sealed_and_opened_as_its_own_type(home):
    """Deployment defaults of each secret type go through the store's key and come back
    as the same type with the same value; the stored JSON holds no plain text."""
    from headrace.secret_parameters import open_parameters, seal_parameters

    given = {
        "text": SecretStr("plain-seal-11"),
        "data": SecretBytes(b"plain-seal-12"),
        "settings": SecretDict({"api": {"key": "plain-seal-13"}}),
        "block": Secret(value={"token": "plain-seal-14"}),
        "nested": {"list": [SecretStr("plain-seal-15")], "plain": 1},
    }
    stored = json.dumps(seal_parameters(given, "deployment 'f/d'"))
    assert "plain-seal" not in stored
    opened = open_parameters(json.loads(stored), "deployment 'f/d'")
    assert type(opened["text"]) is SecretStr
    assert opened["text"].get_secret_value() == "plain-seal-11"
    assert type(opened["data"]) is SecretBytes
    assert opened["data"].get_secret_value() == b"plain-seal-12"
    assert type(opened["settings"]) is SecretDict
    assert opened["settings"].get_secret_value() == {"api": {"key": "plain-seal-13"}}
    assert type(opened["block"]) is Secret
    assert opened["block"].get() == {"token": "plain-seal-14"}
    assert opened["nested"]["list"][0].get_secret_value() == "plain-seal-15"
    assert opened["nested"]["plain"] == 1
