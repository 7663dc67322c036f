"""What every router shares: the store, and fast JSON responses for plain data."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter
from fastapi.datastructures import DefaultPlaceholder
from fastapi.responses import JSONResponse

from headrace.exceptions import ObjectNotFound
from headrace.store.interface import Store


class Router(APIRouter):
    """Routes without inferred response models: replies are JSON built straight from the
    store's plain data, so no validation pass per reply and a faster server start (a
    response model costs FastAPI a pydantic adapter per route)."""

    def api_route(self, path: str, **kwargs: Any) -> Any:
        if isinstance(kwargs.get("response_model"), DefaultPlaceholder):
            kwargs["response_model"] = None
        return super().api_route(path, **kwargs)


def store() -> Store:
    """The server's own store (SQLite or PostgreSQL); never the HTTP backend."""
    from headrace.store import get_store

    return get_store()


def plain(value: Any) -> Any:
    """Dataclasses (and lists or tuples of them) as JSON-able dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def respond(value: Any, status_code: int = 200) -> JSONResponse:
    """A JSON response built straight from plain data (no per-field encoding pass)."""
    return JSONResponse(plain(value), status_code=status_code)


def found(value: Any, what: str) -> Any:
    """`value`, or a 404 naming what was missing."""
    if value is None:
        raise ObjectNotFound(f"{what} not found")
    return value
