"""Payloads `get_client()` takes to create or change objects (Prefect's names)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class VariableCreate(BaseModel):
    name: str
    value: Any = None
    tags: list[str] | None = None


class VariableUpdate(BaseModel):
    name: str
    value: Any = None
    tags: list[str] | None = None


__all__ = ["VariableCreate", "VariableUpdate"]
