"""`get_events_client()`: Prefect's events client, for code that sends `Event` objects.

    async with get_events_client() as client:
        await client.emit(Event(event="my.thing", resource={"prefect.resource.id": "x"}))

Events go the way `emit_event` sends them (the store's writer, or the server with
`HEADRACE_API_URL`); leaving the block waits until they are handed over.
"""

from __future__ import annotations

from typing import Any

from headrace.events.schemas.events import Event


class EventsClient:
    """Sends events; an async context manager, as Prefect's clients are."""

    async def __aenter__(self) -> EventsClient:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        import asyncio

        from headrace.store import get_store

        await asyncio.to_thread(get_store().flush)

    async def emit(self, event: Event) -> None:
        from headrace.events.utilities import emit_event

        emit_event(
            event.event,
            resource=dict(event.resource.root),
            occurred=event.occurred,
            related=[dict(r.root) for r in event.related],
            payload=event.payload,
            id=event.id,
        )


def get_events_client(reconnection_attempts: int = 10, checkpoint_every: int = 700) -> EventsClient:
    """A client sending events to this process's store (or server)."""
    return EventsClient()


__all__ = ["EventsClient", "get_events_client"]
