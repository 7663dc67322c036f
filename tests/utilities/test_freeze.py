"""`freeze`: a deployment parameter's value fixed by the deployment (JSON values only)."""

from __future__ import annotations

import pydantic
import pytest

from headrace.utilities.annotations import freeze


def test_freeze_keeps_json_values_and_refuses_others():
    value = {"region": "eu", "ids": [1, 2], "on": True}
    assert freeze(value).unfreeze() == value
    assert freeze({"a", "b"}).unfreeze() == {"a", "b"}  # sets are shown as JSON lists
    for unserializable in (object(), lambda: None, type("Thing", (), {})):
        with pytest.raises(ValueError, match="Value must be JSON serializable"):
            freeze(unserializable)


def test_frozen_values_serialize_as_their_value_in_models():
    class Options(pydantic.BaseModel):
        customer: freeze[str]

    options = Options(customer=freeze("c-42"))
    assert options.model_dump() == {"customer": "c-42"}
    assert Options(customer="c-7").customer == freeze("c-7")
