"""`ResultRecord`, kept apart from `headrace.results` so that checking whether a state's
data is a persisted result does not import the serializers and storage code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headrace.results import StorageLike
    from headrace.serializers import Serializer


class ResultRecord:
    """A persisted result: loads its value from storage on first use."""

    __slots__ = ("key", "storage", "serializer", "expiration", "_value", "_loaded")

    def __init__(
        self,
        key: str,
        storage: StorageLike,
        serializer: Serializer,
        expiration: float | None,
        value: Any = None,
        loaded: bool = False,
    ) -> None:
        self.key = key
        self.storage = storage
        self.serializer = serializer
        self.expiration = expiration
        self._value = value
        self._loaded = loaded

    def load(self) -> Any:
        if not self._loaded:
            from headrace.results import ResultStore

            found = ResultStore(self.storage, self.serializer).read(self.key, honour_expiry=False)
            if found is None:
                from headrace.exceptions import MissingResult

                raise MissingResult(f"The result {self.key!r} is no longer in {self.storage!r}.")
            self._value, self._loaded = found._value, True
        return self._value

    def __repr__(self) -> str:
        return f"ResultRecord(key={self.key!r}, storage={self.storage!r})"
