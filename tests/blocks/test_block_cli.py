"""`headrace block ...` through the real CLI group, against a real store."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result
from pydantic import SecretStr

from headrace.blocks.core import Block, SecretDict
from headrace.blocks.errors import BlockNotFound
from headrace.blocks.system import JSON, Secret, String
from headrace.cli import build_cli

PLAIN = "s3cr3t-value-for-cli"


class ApiCredentials(Block):
    """Credentials for the CLI tests."""

    _block_type_name = "API Credentials"

    account: str
    token: SecretStr
    headers: SecretDict | None = None


class ApiClient(Block):
    _block_type_name = "API Client"
    url: str
    credentials: ApiCredentials


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(build_cli(), ["block", *args], input=input)


def test_types_lists_builtin_and_user_types() -> None:
    result = run("types")
    assert result.exit_code == 0, result.output
    for slug in ("secret", "json", "string", "local-file-system", "remote-file-system"):
        assert slug in result.output
    assert "api-credentials" in result.output
    assert "read-path" in result.output


def test_create_reads_secrets_from_stdin_and_inspect_masks_them() -> None:
    result = run(
        "create", "api-credentials", "prod", "--field", "account=acme", input=f"{PLAIN}\n\n"
    )
    assert result.exit_code == 0, result.output
    loaded = ApiCredentials.load("prod")
    assert loaded.token.get_secret_value() == PLAIN
    assert loaded.account == "acme"

    shown = run("inspect", "api-credentials/prod")
    assert shown.exit_code == 0, shown.output
    assert "acme" in shown.output and "**********" in shown.output
    assert PLAIN not in shown.output


def test_secret_dict_keys_visible_values_masked() -> None:
    ApiCredentials(account="a", token="t", headers={"X-Key": PLAIN}).save("with-headers")
    shown = run("inspect", "api-credentials/with-headers")
    assert '"X-Key": "**********"' in shown.output
    assert PLAIN not in shown.output


def test_a_secret_dict_is_read_as_json_from_stdin() -> None:
    headers = json.dumps({"X-Key": PLAIN})
    result = run(
        "create", "api-credentials", "json-secret", "-f", "account=a", input=f"t\n{headers}\n"
    )
    assert result.exit_code == 0, result.output
    loaded = ApiCredentials.load("json-secret")
    assert loaded.headers is not None
    assert loaded.headers.get_secret_value() == {"X-Key": PLAIN}

    bad = run("create", "api-credentials", "bad-json", "-f", "account=a", input="t\nnot json\n")
    assert bad.exit_code != 0 and "expects a JSON object" in bad.output
    assert "not json" not in bad.output


def test_secret_fields_are_refused_on_the_command_line() -> None:
    result = run("create", "secret", "token", "--field", f"value={PLAIN}")
    assert result.exit_code != 0
    assert "secret field" in result.output and "never taken from the command line" in result.output
    with pytest.raises(BlockNotFound):
        Secret.load("token")


def test_create_a_secret_block() -> None:
    result = run("create", "secret", "token", input=f"{PLAIN}\n")
    assert result.exit_code == 0, result.output
    assert Secret.load("token").get() == PLAIN


def test_create_parses_json_values_and_nested_references() -> None:
    assert run("create", "json", "cfg", "--field", 'value={"retries": 3}').exit_code == 0
    assert JSON.load("cfg").value == {"retries": 3}

    ApiCredentials(account="acme", token="t").save("prod")
    result = run(
        "create",
        "api-client",
        "main",
        "-f",
        "url=https://x",
        "-f",
        "credentials=api-credentials/prod",
    )
    assert result.exit_code == 0, result.output
    assert ApiClient.load("main").credentials._block_document_name == "prod"


def test_create_refuses_to_overwrite_unless_asked() -> None:
    assert run("create", "string", "region", "--field", "value=eu").exit_code == 0
    again = run("create", "string", "region", "--field", "value=us")
    assert again.exit_code != 0 and "overwrite" in again.output
    assert String.load("region").value == "eu"
    assert run("create", "string", "region", "-f", "value=us", "--overwrite").exit_code == 0
    assert String.load("region").value == "us"


def test_create_with_an_unknown_type_suggests_one() -> None:
    result = run("create", "strin", "x", "--field", "value=1")
    assert result.exit_code != 0
    assert "Did you mean 'string'" in result.output


def test_create_with_an_unknown_field_lists_the_fields() -> None:
    result = run("create", "string", "x", "--field", "valeu=1")
    assert result.exit_code != 0
    assert "Did you mean 'value'" in result.output


def test_create_with_a_missing_field_saves_nothing() -> None:
    result = run("create", "api-credentials", "partial", input=f"{PLAIN}\n\n")
    assert result.exit_code != 0
    assert "account: Field required" in result.output
    assert PLAIN not in result.output
    with pytest.raises(BlockNotFound):
        ApiCredentials.load("partial")


def test_create_with_a_bad_name() -> None:
    result = run("create", "string", "Bad_Name", "--field", "value=1")
    assert result.exit_code != 0
    assert "lowercase letters, numbers, and dashes" in result.output


def test_ls_shows_names_not_values() -> None:
    assert "No blocks saved." in run("ls").output
    Secret(value=PLAIN).save("token")
    String(value="eu").save("region")
    result = run("ls")
    assert "secret/token" in result.output and "string/region" in result.output
    assert PLAIN not in result.output
    only = run("ls", "--type", "string")
    assert "string/region" in only.output and "secret/token" not in only.output


def test_inspect_unknown_block_suggests_names() -> None:
    String(value="eu").save("region")
    result = run("inspect", "string/regoin")
    assert result.exit_code != 0
    assert "Did you mean 'region'" in result.output


def test_delete() -> None:
    String(value="eu").save("region")
    result = run("delete", "string/region")
    assert result.exit_code == 0 and "Deleted block string/region" in result.output
    assert run("delete", "string/region").exit_code != 0


def test_delete_refused_while_referenced() -> None:
    ApiCredentials(account="acme", token="t").save("prod")
    ApiClient(url="u", credentials=ApiCredentials.load("prod")).save("main")
    result = run("delete", "api-credentials/prod")
    assert result.exit_code != 0
    assert "referenced by api-client/main" in result.output
    assert ApiCredentials.load("prod").account == "acme"


def test_inspect_a_document_that_no_longer_validates(throwaway_slugs: list[str]) -> None:
    from headrace.blocks.registry import forget_block_type

    class Endpoint(Block):
        url: str

    Endpoint(url="https://x").save("main")
    forget_block_type("endpoint")

    class Endpoint(Block):  # noqa: F811 (the class changed since the block was saved)
        url: str
        region: str

    throwaway_slugs.append("endpoint")
    result = run("inspect", "endpoint/main")
    assert result.exit_code != 0
    assert "endpoint/main" in result.output and "'region'" in result.output
