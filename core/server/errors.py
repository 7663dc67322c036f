"""Exception handlers: every error is JSON with a message, never a traceback.

Bad input is a 422 (validation errors, `ValueError`), a missing object a 404, a
duplicate a 409; anything else a 500 whose body says only that the server log has the
details. The body's `error` names the exception class so the HTTP client can raise the
same exception the local store would have raised.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from headrace.exceptions import HeadraceException, ObjectAlreadyExists, ObjectNotFound

logger = logging.getLogger("headrace.server")


def _status_for(exc: BaseException) -> int:
    from headrace.exceptions import BlockAlreadyExists, BlockInUse, BlockNotFound

    if isinstance(exc, (ObjectNotFound, BlockNotFound, KeyError)):
        return 404
    if isinstance(exc, (ObjectAlreadyExists, BlockAlreadyExists, BlockInUse)):
        return 409
    return 422


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "body"


def validation_detail(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validation errors without the offending input (it may hold a secret)."""
    return [
        {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type")}
        for error in errors
    ]


async def _request_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = validation_detail(list(exc.errors()))
    message = "; ".join(f"{_location(tuple(e['loc']))}: {e['msg']}" for e in errors)
    return JSONResponse(
        {"detail": errors, "message": f"invalid request: {message}", "error": "ValueError"},
        status_code=422,
    )


async def _http_exception(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse(
        {"detail": exc.detail, "message": str(exc.detail)},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _client_error(request: Request, exc: Exception) -> JSONResponse:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        errors = validation_detail(list(exc.errors()))
        message = f"invalid {exc.title}: " + "; ".join(
            f"{_location(tuple(e['loc']))}: {e['msg']}" for e in errors
        )
    elif isinstance(exc, KeyError) and exc.args:
        message = str(exc.args[0])
    else:
        message = str(exc)
    return JSONResponse(
        {"detail": message, "message": message, "error": type(exc).__name__},
        status_code=_status_for(exc),
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.error("error serving %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        {"detail": "internal server error; the server's log has the details"}, status_code=500
    )


def install(app: FastAPI) -> None:
    from pydantic import ValidationError

    from headrace.exceptions import BlockError

    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    for exc_type in (
        HeadraceException,
        ValueError,
        TypeError,
        KeyError,
        ValidationError,
        BlockError,
    ):
        app.add_exception_handler(exc_type, _client_error)
    app.add_exception_handler(Exception, _unexpected)
