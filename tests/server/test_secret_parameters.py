"""Secret deployment parameters over the HTTP API: people see the mask, the store client
that holds the key gets the sealed value and opens it."""

from __future__ import annotations

import sys

import httpx
from pydantic import SecretStr

from headrace.secrets import MASK

PLAIN = "plain-api-default-21"
FLOWS = """
from pydantic import SecretStr
from headrace import flow

@flow
def api_token(token: SecretStr, retries: int = 1) -> None:
    pass
"""


def test_a_secret_default_reads_as_the_mask_never_plain_or_ciphertext(
    remote, tmp_path, monkeypatch
):
    from headrace.deployments import load_flow_from_source
    from headrace.secret_parameters import open_parameters
    from headrace.store import get_store

    (tmp_path / "flows.py").write_text(FLOWS)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "flows", raising=False)
    api_token = load_flow_from_source(tmp_path, "flows.py:api_token")
    parameters = {"token": SecretStr(PLAIN), "retries": 2}
    deployment_id = api_token.to_deployment("masked", parameters=parameters).apply()

    sealed = httpx.get(
        f"{remote.api}/deployments/{deployment_id}", params={"include_encrypted": "true"}
    ).json()
    token = sealed["parameters"]["token"]["$secret"]
    assert PLAIN not in token

    replies = [
        httpx.get(f"{remote.api}/deployments/{deployment_id}"),
        httpx.get(f"{remote.api}/deployments/name/api-token/masked"),
        httpx.post(f"{remote.api}/deployments/filter", json={}),
    ]
    for reply in replies:
        assert reply.status_code == 200, reply.text
        assert PLAIN not in reply.text and token not in reply.text and "$secret" not in reply.text
        shown = reply.json()
        shown = shown[0] if isinstance(shown, list) else shown
        assert shown["parameters"] == {"token": MASK, "retries": 2}

    # the client holding the key (HEADRACE_API_URL) still gets the real secret back
    record = get_store().deployments.read(deployment_id)
    opened = open_parameters(record.parameters, "deployment 'api-token/masked'")
    assert opened["token"].get_secret_value() == PLAIN and opened["retries"] == 2
