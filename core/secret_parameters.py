"""Keeping secret parameter values out of the store in plain text.

Two forms, for two needs:

- `record_parameters`: what a run record keeps. Secret values (`SecretStr`,
  `SecretBytes`, pydantic `Secret[...]`, `SecretDict`, blocks with secret fields) and
  values of parameters annotated with a secret type (also when they arrive as plain
  text and validation fails or is off) are replaced by a mask, as Prefect's API shows
  them. Nothing can be read back, and nothing needs to be: the run has the real values.
- `seal_parameters` / `open_parameters`: deployment defaults and the parameters of the
  runs made from them must reach the flow as the real secret, so each secret value is
  stored encrypted with the blocks' at-rest key (`{"$secret": token, "$kind": ...}`)
  and turned back into the same secret type when the run starts. `masked_parameters`
  shows a sealed value as the mask.

Parameters without secrets (the usual case) are returned as they are, without
importing pydantic. This sits above both the store and blocks (it knows the `Secret`
block and the store's key); the store itself only keeps what it is given.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

MASK = "**********"  # headrace.secrets.MASK, not imported from there: that loads pydantic
SEALED_KEY = "$secret"
KIND_KEY = "$kind"
_PLAIN = (str, int, float, bool, type(None))


def _pydantic_secret_kind(value: Any) -> str | None:
    """ "dict", "bytes", "str", "json" or "block" for a secret value; "model" for another
    pydantic model holding secrets; None for anything else."""
    if sys.modules.get("pydantic") is None:  # no secret type can exist yet
        return None
    from pydantic import BaseModel, Secret, SecretBytes, SecretStr

    from headrace.secrets import SecretDict

    if isinstance(value, SecretDict):
        return "dict"
    if isinstance(value, SecretStr):
        return "str"
    if isinstance(value, SecretBytes):
        return "bytes"
    if isinstance(value, Secret):
        return "json"
    if isinstance(value, BaseModel):
        if _is_secret_block(value):
            return "block"
        fields = type(value).model_fields
        return "model" if any(_holds_secret(getattr(value, n, None)) for n in fields) else None
    return None


def _is_secret_block(value: Any) -> bool:
    blocks_system = sys.modules.get("headrace.blocks.system")
    return blocks_system is not None and type(value) is blocks_system.Secret


def _holds_secret(value: Any) -> bool:
    """Whether a secret value sits anywhere inside `value` (fields of models included)."""
    if isinstance(value, _PLAIN):
        return False
    if isinstance(value, dict):
        return any(_holds_secret(item) for item in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_secret(item) for item in value)
    return _pydantic_secret_kind(value) is not None


def _mask(value: Any) -> Any:
    """`value` with every secret inside replaced by the mask (a new object if changed)."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask(item) for item in value]
    kind = _pydantic_secret_kind(value)
    if kind is None:
        return value
    if kind == "dict":
        return value.masked()
    if kind in ("str", "bytes", "json", "block"):
        return MASK
    from headrace.blocks.codec import masked

    return masked(value)


def _mask_all(value: Any) -> Any:
    """A value of a parameter annotated as secret: all of it masked (dict keys kept)."""
    if isinstance(value, dict):
        return {key: _mask_all(item) for key, item in value.items()}
    if not isinstance(value, _PLAIN) and _pydantic_secret_kind(value) is not None:
        return _mask(value)  # already a secret type: masked as such (dict keys stay)
    return MASK


def record_parameters(
    parameters: dict[str, Any], secret_names: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The parameters as a run record keeps them: every secret masked."""
    if not secret_names and all(type(value) in _PLAIN for value in parameters.values()):
        return parameters
    result: dict[str, Any] = {}
    for name, value in parameters.items():
        result[name] = _mask_all(value) if name in secret_names else _mask(value)
    return result


# -- sealed (encrypted) secrets, for deployments ------------------------------------------------
def _seal(value: Any, kind: str) -> dict[str, str]:
    from headrace.store.encryption import encrypt_secret

    if kind == "bytes":
        plain: Any = base64.b64encode(value.get_secret_value()).decode("ascii")
    elif kind == "block":
        plain = value.get()
    else:
        plain = value.get_secret_value()
    return {SEALED_KEY: encrypt_secret(json.dumps(plain).encode()), KIND_KEY: kind}


def _is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and value.keys() == {SEALED_KEY, KIND_KEY}


def seal_parameters(parameters: dict[str, Any], owner: str) -> dict[str, Any]:
    """Parameters to store for later runs: secret values encrypted, the rest as given.

    A pydantic model or block that holds secret fields somewhere inside cannot be
    sealed as a whole: it is refused with a `ValueError` that says what to pass instead.
    """
    sealed: dict[str, Any] = {}
    for name, value in parameters.items():
        sealed[name] = _seal_value(value, f"parameter {name!r} of {owner}")
    return sealed


def _seal_value(value: Any, what: str) -> Any:
    if isinstance(value, _PLAIN) or _is_sealed(value):
        return value
    if isinstance(value, dict):
        return {key: _seal_value(item, what) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_seal_value(item, what) for item in value]
    kind = _pydantic_secret_kind(value)
    if kind is None:
        return value
    if kind == "model":
        raise ValueError(
            f"{what} is a {type(value).__name__} holding secret fields, which cannot be "
            f"stored with a deployment; pass the secret itself (SecretStr, SecretBytes, "
            f"SecretDict or a Secret block), or save the block and load it in the flow"
        )
    return _seal(value, kind)


def open_parameters(parameters: dict[str, Any], owner: str) -> dict[str, Any]:
    """Stored parameters with sealed secrets decrypted back into their secret types."""
    if not any(_contains_sealed(value) for value in parameters.values()):
        return parameters
    return {
        name: _open_value(value, f"parameter {name!r} of {owner}")
        for name, value in parameters.items()
    }


def _contains_sealed(value: Any) -> bool:
    if _is_sealed(value):
        return True
    if isinstance(value, dict):
        return any(_contains_sealed(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_sealed(item) for item in value)
    return False


def _open_value(value: Any, what: str) -> Any:
    if _is_sealed(value):
        return _open(value, what)
    if isinstance(value, dict):
        return {key: _open_value(item, what) for key, item in value.items()}
    if isinstance(value, list):
        return [_open_value(item, what) for item in value]
    return value


def _open(sealed: dict[str, str], what: str) -> Any:
    from pydantic import Secret, SecretBytes, SecretStr

    from headrace.secrets import SecretDict
    from headrace.store.encryption import decrypt_secret

    plain = json.loads(decrypt_secret(sealed[SEALED_KEY], what))
    kind = sealed[KIND_KEY]
    if kind == "str":
        return SecretStr(plain)
    if kind == "bytes":
        return SecretBytes(base64.b64decode(plain))
    if kind == "dict":
        return SecretDict(plain)
    if kind == "block":
        from headrace.blocks.system import Secret as SecretBlock

        return SecretBlock(value=plain)
    return Secret(plain)


def masked_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """Stored parameters for display: sealed secrets shown as the mask."""
    if not any(_contains_sealed(value) for value in parameters.values()):
        return parameters
    return {name: _mask_sealed(value) for name, value in parameters.items()}


def _mask_sealed(value: Any) -> Any:
    if _is_sealed(value):
        return MASK
    if isinstance(value, dict):
        return {key: _mask_sealed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_sealed(item) for item in value]
    return value
