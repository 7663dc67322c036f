"""Liveness and version: what a client checks before a flow starts."""

from __future__ import annotations

from headrace.server.routes.common import Router

router = Router(tags=["server"])


@router.get("/health")
def health() -> bool:
    """`true` while the server runs (and the caller is authenticated, when auth is on)."""
    return True


@router.get("/version")
def version() -> str:
    import headrace

    return headrace.__version__
