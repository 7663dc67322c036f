"""Events and the resources they concern, with the field names and rules of Prefect 3.

A resource is a set of string labels with at least `prefect.resource.id`; a related
resource also has `prefect.resource.role`. An event names what happened (`event`), to
which resource, when (`occurred`), with a free-form `payload`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator, model_validator

RESOURCE_ID = "prefect.resource.id"
RESOURCE_ROLE = "prefect.resource.role"
RESOURCE_NAME = "prefect.resource.name"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Resource(RootModel[dict[str, str]]):
    """The labels of the resource an event is about; `prefect.resource.id` is required."""

    @model_validator(mode="after")
    def _requires_id(self) -> Resource:
        if not self.root.get(RESOURCE_ID):
            raise ValueError(f"a resource needs a {RESOURCE_ID!r} label")
        return self

    @property
    def id(self) -> str:
        return self.root[RESOURCE_ID]

    @property
    def name(self) -> str | None:
        return self.root.get(RESOURCE_NAME)

    def prefect_object_id(self, kind: str) -> uuid.UUID:
        """The UUID in an id such as `prefect.flow-run.<uuid>` for `kind="prefect.flow-run"`."""
        prefix = f"{kind}."
        if not self.id.startswith(prefix):
            raise ValueError(f"resource {self.id!r} is not a {kind}")
        return uuid.UUID(self.id[len(prefix) :])

    def keys(self) -> Iterable[str]:
        return self.root.keys()

    def items(self) -> Iterable[tuple[str, str]]:
        return self.root.items()

    def get(self, label: str, default: str | None = None) -> str | None:
        return self.root.get(label, default)

    def has_all_labels(self, labels: Mapping[str, str]) -> bool:
        return all(self.root.get(key) == value for key, value in labels.items())

    def __getitem__(self, label: str) -> str:
        return self.root[label]

    def __contains__(self, label: object) -> bool:
        return label in self.root

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        return iter(self.root)

    def __len__(self) -> int:
        return len(self.root)


class RelatedResource(Resource):
    """A resource an event involves besides its own, in a `prefect.resource.role`."""

    @model_validator(mode="after")
    def _requires_role(self) -> RelatedResource:
        if not self.root.get(RESOURCE_ROLE):
            raise ValueError(f"a related resource needs a {RESOURCE_ROLE!r} label")
        return self

    @property
    def role(self) -> str:
        return self.root[RESOURCE_ROLE]


class Event(BaseModel):
    """Something that happened to a resource."""

    model_config = ConfigDict(extra="ignore")

    occurred: dt.datetime = Field(default_factory=_now, description="when it happened")
    event: str = Field(description="the name of what happened, e.g. `prefect.flow-run.Completed`")
    resource: Resource
    related: list[RelatedResource] = Field(default_factory=list)
    payload: dict[str, Any] = Field(default_factory=dict)
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    follows: uuid.UUID | None = None

    @field_validator("occurred")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)

    @property
    def involved_resources(self) -> Sequence[Resource]:
        return [self.resource, *self.related]

    @property
    def resource_in_role(self) -> Mapping[str, RelatedResource]:
        """The related resources by role (the first of each role)."""
        found: dict[str, RelatedResource] = {}
        for related in self.related:
            found.setdefault(related.role, related)
        return found

    @property
    def resources_in_role(self) -> Mapping[str, Sequence[RelatedResource]]:
        found: dict[str, list[RelatedResource]] = {}
        for related in self.related:
            found.setdefault(related.role, []).append(related)
        return found

    def find_resource_label(self, label: str) -> str | None:
        """A label of the resource, or `related:<role>:<label>` of a related resource."""
        if label.startswith("related:"):
            _, role, inner = label.split(":", 2)
            related = self.resource_in_role.get(role)
            return None if related is None else related.get(inner)
        return self.resource.get(label)


class ReceivedEvent(Event):
    """An event as the store keeps it: plus when it was received."""

    received: dt.datetime = Field(default_factory=_now)


def matches(expected: str, value: str | None) -> bool:
    """Whether `value` matches a pattern: exact, `prefix*`, or negated with a leading `!`."""
    if value is None:
        return False
    negate = expected.startswith("!")
    if negate:
        expected = expected[1:]
    hit = value.startswith(expected[:-1]) if expected.endswith("*") else value == expected
    return hit != negate


class ResourceSpecification(RootModel[dict[str, str | list[str]]]):
    """Which resources a trigger looks at: label -> pattern(s), every label must match one."""

    def matches_every_resource(self) -> bool:
        return not self.root

    def matches(self, resource: Resource) -> bool:
        for label, expected in self.root.items():
            patterns = [expected] if isinstance(expected, str) else expected
            value = resource.get(label)
            if not any(matches(pattern, value) for pattern in patterns):
                return False
        return True

    def includes(self, candidates: Iterable[Resource]) -> bool:
        """Whether any of `candidates` matches (an empty specification matches)."""
        return self.matches_every_resource() or any(self.matches(c) for c in candidates)

    def items(self) -> Iterable[tuple[str, list[str]]]:
        return [(k, [v] if isinstance(v, str) else v) for k, v in self.root.items()]

    def get(self, label: str, default: Any = None) -> Any:
        return self.root.get(label, default)

    def __contains__(self, label: object) -> bool:
        return label in self.root

    def __getitem__(self, label: str) -> list[str]:
        value = self.root[label]
        return [value] if isinstance(value, str) else value

    def __len__(self) -> int:
        return len(self.root)


__all__ = [
    "Event",
    "ReceivedEvent",
    "RelatedResource",
    "Resource",
    "ResourceSpecification",
    "matches",
]
