"""Field types for blocks (Prefect's `prefect.blocks.fields`): `SecretDict` and friends.

They are defined in `headrace.secrets`, shared with the store and flow parameters; this
module keeps the import path Prefect code uses.
"""

from __future__ import annotations

from headrace.secrets import MASK, SECRET_TYPES, SecretDict, is_secret_annotation

__all__ = ["MASK", "SECRET_TYPES", "SecretDict", "is_secret_annotation"]
