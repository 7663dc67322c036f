"""`EventsWorker`: Prefect's name for what takes finished `Event` objects into the store.

`emit_event` records directly; the worker is for events made elsewhere, such as those a
process pool's workers send to the flow's process.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from headrace.events.schemas.events import Event


class EventsWorker:
    """Records `Event` objects in the store (one per process: `EventsWorker.instance()`)."""

    _instance: ClassVar[EventsWorker | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def instance(cls) -> EventsWorker:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def send(self, event: Event) -> None:
        """Keep `event` as it is: its id, time, resources and payload."""
        from headrace.events.utilities import record_event  # deferred: the store

        record_event(
            event.event,
            dict(event.resource.root),
            [dict(related.root) for related in event.related],
            event.payload,
            event.occurred.timestamp(),
            str(event.id),
            None if event.follows is None else str(event.follows),
            with_context=False,
        )


__all__ = ["EventsWorker"]
