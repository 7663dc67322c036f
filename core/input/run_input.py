"""`RunInput`: typed (pydantic) input that flow runs wait for, receive and answer.

A flow paused with `wait_for_input=SomeRunInput` stores the model's JSON schema under a
keyset of the pause; `resume_flow_run(id, run_input={...})` checks the input against it
and stores it, and the paused flow gets it back as a model instance. Beyond pauses, flows
exchange inputs with `send_input` / `receive_input` (or `RunInput.send_to` / `.receive`),
each input one stored row under a key prefix, read in the order they were sent.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from inspect import isclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

import pydantic
from pydantic import ConfigDict

from headrace.input.actions import (
    FlowRunInput,
    create_flow_run_input,
    create_flow_run_input_from_model,
    ensure_flow_run_id,
    filter_flow_run_input,
    read_flow_run_input,
)
from headrace.utilities.asyncutils import async_dispatch, in_async_context

if TYPE_CHECKING:
    from headrace.states import State

R = TypeVar("R", bound="RunInput")
T = TypeVar("T")

#: the keys under which a pause keeps an input's schema, description and response
Keyset = dict[Literal["description", "response", "schema"], str]

#: longest wait between two looks at the store while waiting for input, whatever
#: `poll_interval` says: the store answers in microseconds (a server in milliseconds)
MAX_POLL_SECONDS = 1.0


def keyset_from_base_key(base_key: str) -> Keyset:
    return {
        "description": f"{base_key}-description",
        "response": f"{base_key}-response",
        "schema": f"{base_key}-schema",
    }


def keyset_from_paused_state(state: State) -> Keyset:
    """The keyset of a Paused (or Suspended) state's input."""
    if not state.is_paused():
        raise RuntimeError(f"{state.type.value!r} is unsupported.")
    return keyset_from_base_key(f"{(state.name or '').lower()}-{state.state_details.pause_key}")


class RunInputMetadata(pydantic.BaseModel):
    key: str
    sender: str | None = None
    receiver: str


def poll_delays(poll_interval: float) -> Iterator[float]:
    """Waits between looks: short at first, growing to min(poll_interval, 1 s)."""
    ceiling = max(0.01, min(float(poll_interval), MAX_POLL_SECONDS))
    delay = min(0.02, ceiling)
    while True:
        yield delay
        delay = min(delay * 2, ceiling)


class BaseRunInput(pydantic.BaseModel):
    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    _description: str | None = pydantic.PrivateAttr(default=None)
    _metadata: RunInputMetadata = pydantic.PrivateAttr()

    @property
    def metadata(self) -> RunInputMetadata:
        return self._metadata

    @classmethod
    def keyset_from_type(cls) -> Keyset:
        return keyset_from_base_key(cls.__name__.lower())

    # -- the schema a pause waits on (save/load answer awaitables in async code) ---------
    @classmethod
    def save(cls, keyset: Keyset, flow_run_id: Any = None) -> Any:
        """Store this model's JSON schema (and description) under `keyset`."""
        if in_async_context():
            return cls.asave(keyset, flow_run_id)
        return cls.save_schema(keyset, flow_run_id)

    @classmethod
    async def asave(cls, keyset: Keyset, flow_run_id: Any = None) -> None:
        cls.save_schema(keyset, flow_run_id)

    @classmethod
    def save_schema(cls, keyset: Keyset, flow_run_id: Any = None) -> None:
        """`save`, always synchronous."""
        schema = cls.model_json_schema(by_alias=True)
        create_flow_run_input(keyset["schema"], schema, flow_run_id, _sync=True)
        description = cls._description if isinstance(cls._description, str) else None
        if description:
            create_flow_run_input(keyset["description"], description, flow_run_id, _sync=True)

    @classmethod
    def load(cls, keyset: Keyset, flow_run_id: Any = None) -> Any:
        """The response stored under `keyset` as an instance (field defaults if none)."""
        if in_async_context():
            return cls.aload(keyset, flow_run_id)
        return cls.load_response(keyset, flow_run_id)

    @classmethod
    async def aload(cls, keyset: Keyset, flow_run_id: Any = None) -> Any:
        return cls.load_response(keyset, flow_run_id)

    @classmethod
    def load_response(cls, keyset: Keyset, flow_run_id: Any = None) -> Any:
        """`load`, always synchronous."""
        run_id = ensure_flow_run_id(flow_run_id)
        value = read_flow_run_input(keyset["response"], run_id, _sync=True)
        instance = cls(**value) if value else cls()
        instance._metadata = RunInputMetadata(key=keyset["response"], receiver=run_id)
        return instance

    @classmethod
    def load_from_flow_run_input(cls, flow_run_input: FlowRunInput) -> Any:
        instance = cls(**flow_run_input.decoded_value)
        instance._metadata = RunInputMetadata(
            key=flow_run_input.key,
            sender=flow_run_input.sender,
            receiver=str(flow_run_input.flow_run_id),
        )
        return instance

    @classmethod
    def with_initial_data(cls: type[R], description: str | None = None, **kwargs: Any) -> type[R]:
        """A subclass whose fields default to `kwargs` (shown pre-filled when resuming),
        with an optional description of what is asked for."""
        fields: dict[str, Any] = {}
        for name, value in kwargs.items():
            known = cls.model_fields.get(name)
            fields[name] = (known.annotation if known else type(value), value)
        model = pydantic.create_model(cls.__name__, __base__=cls, **fields)
        if description is not None:
            model._description = description
        return model

    # -- conversations between flow runs ---------------------------------------------------
    def respond(
        self, run_input: Any, sender: str | None = None, key_prefix: str | None = None
    ) -> Any:
        """Send `run_input` back to the flow run that sent this input."""
        if in_async_context():
            return self.arespond(run_input, sender, key_prefix)
        send_input(run_input, self._sender_run_id(), sender, key_prefix, _sync=True)

    async def arespond(
        self, run_input: Any, sender: str | None = None, key_prefix: str | None = None
    ) -> None:
        send_input(run_input, self._sender_run_id(), sender, key_prefix, _sync=True)

    def _sender_run_id(self) -> str:
        sender = self.metadata.sender
        if sender and sender.startswith("prefect.flow-run."):
            return sender.rpartition(".")[2]
        raise RuntimeError("Cannot respond to an input that was not sent by a flow run.")

    def send_to(
        self, flow_run_id: Any, sender: str | None = None, key_prefix: str | None = None
    ) -> Any:
        """Send this input to a flow run."""
        if in_async_context():
            return self.asend_to(flow_run_id, sender, key_prefix)
        send_input(self, flow_run_id, sender, key_prefix, _sync=True)

    async def asend_to(
        self, flow_run_id: Any, sender: str | None = None, key_prefix: str | None = None
    ) -> None:
        send_input(self, flow_run_id, sender, key_prefix, _sync=True)


class RunInput(BaseRunInput):
    """Subclass with pydantic fields: `class Approval(RunInput): approved: bool`."""

    @classmethod
    def receive(
        cls: type[R],
        timeout: float | None = 3600,
        poll_interval: float = 10,
        raise_timeout_error: bool = False,
        exclude_keys: set[str] | None = None,
        key_prefix: str | None = None,
        flow_run_id: Any = None,
    ) -> GetInputHandler[R]:
        """An iterator (sync or async) over the inputs of this type sent to a flow run."""
        return GetInputHandler(
            cls,
            key_prefix or f"{cls.__name__.lower()}-auto",
            timeout,
            poll_interval,
            raise_timeout_error,
            exclude_keys,
            flow_run_id,
        )

    @classmethod
    def subclass_from_base_model_type(cls, model_cls: type[pydantic.BaseModel]) -> type[RunInput]:
        return type(f"{model_cls.__name__}RunInput", (RunInput, model_cls), {})


class AutomaticRunInput(BaseRunInput, Generic[T]):
    """A RunInput made for a plain type (`wait_for_input=int`): its one field is `value`."""

    value: T

    @classmethod
    def load_response(cls, keyset: Keyset, flow_run_id: Any = None) -> Any:
        return super().load_response(keyset, flow_run_id).value

    @classmethod
    def subclass_from_type(cls, _type: type[T]) -> type[AutomaticRunInput[T]]:
        prefix = getattr(_type, "__name__", getattr(_type, "_name", "")) or ""
        return pydantic.create_model(
            f"{prefix.lower()}AutomaticRunInput", __base__=AutomaticRunInput, value=(_type, ...)
        )

    @classmethod
    def receive(
        cls,
        timeout: float | None = 3600,
        poll_interval: float = 10,
        raise_timeout_error: bool = False,
        exclude_keys: set[str] | None = None,
        key_prefix: str | None = None,
        flow_run_id: Any = None,
        with_metadata: bool = False,
    ) -> GetInputHandler[Any]:
        return GetInputHandler(
            cls,
            key_prefix or f"{cls.__name__.lower()}-auto",
            timeout,
            poll_interval,
            raise_timeout_error,
            exclude_keys,
            flow_run_id,
            unwrap=not with_metadata,
        )


def run_input_subclass_from_type(_type: Any) -> type[BaseRunInput]:
    """The RunInput class for `_type`: itself, a RunInput over a pydantic model, or an
    AutomaticRunInput for any other type pydantic can validate."""
    if isclass(_type):
        if issubclass(_type, RunInput):
            return _type
        if issubclass(_type, pydantic.BaseModel):
            return RunInput.subclass_from_base_model_type(_type)
    return AutomaticRunInput.subclass_from_type(_type)


class GetInputHandler(Generic[R]):
    """Iterates over the inputs under a key prefix, each once, oldest first; waits up to
    `timeout` seconds for the next (then stops, or raises TimeoutError if asked to)."""

    def __init__(
        self,
        run_input_cls: type[R],
        key_prefix: str,
        timeout: float | None = 3600,
        poll_interval: float = 10,
        raise_timeout_error: bool = False,
        exclude_keys: set[str] | None = None,
        flow_run_id: Any = None,
        unwrap: bool = False,
    ) -> None:
        self.run_input_cls = run_input_cls
        self.key_prefix = key_prefix
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.raise_timeout_error = raise_timeout_error
        self.exclude_keys: set[str] = set(exclude_keys or ())
        self.flow_run_id = ensure_flow_run_id(flow_run_id)
        self._unwrap = unwrap

    def _take(self) -> FlowRunInput | None:
        found = filter_flow_run_input(
            self.key_prefix, 1, self.exclude_keys, self.flow_run_id, _sync=True
        )
        if not found:
            return None
        self.exclude_keys.add(found[0].key)
        return found[0]

    def to_instance(self, flow_run_input: FlowRunInput) -> Any:
        instance = self.run_input_cls.load_from_flow_run_input(flow_run_input)
        return instance.value if self._unwrap else instance

    def next(self) -> Any:
        """The next input; TimeoutError if none arrives within `timeout` seconds (an
        awaitable in async code)."""
        if in_async_context():
            return self.anext()
        return self._next_waiting()

    def _waits(self) -> Iterator[float]:
        """Seconds to sleep before each further attempt; TimeoutError once `timeout`
        seconds have passed."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        for delay in poll_delays(self.poll_interval):
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("Timed out waiting for input")
                delay = min(delay, remaining)
            yield delay

    def _next_waiting(self) -> Any:
        waits = self._waits()
        while (found := self._take()) is None:
            time.sleep(next(waits))
        return self.to_instance(found)

    async def anext(self) -> Any:
        waits = self._waits()
        while (found := self._take()) is None:
            await asyncio.sleep(next(waits))
        return self.to_instance(found)

    def __iter__(self) -> GetInputHandler[R]:
        return self

    def __next__(self) -> Any:
        try:
            return self._next_waiting()
        except TimeoutError:
            if self.raise_timeout_error:
                raise
            raise StopIteration from None

    def __aiter__(self) -> GetInputHandler[R]:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.anext()
        except TimeoutError:
            if self.raise_timeout_error:
                raise
            raise StopAsyncIteration from None


#: Prefect's name for the handler of automatic (plain-type) inputs
GetAutomaticInputHandler = GetInputHandler


def _as_run_input(run_input: Any) -> BaseRunInput:
    if isinstance(run_input, BaseRunInput):
        return run_input
    return run_input_subclass_from_type(type(run_input))(value=run_input)


async def asend_input(
    run_input: Any, flow_run_id: Any, sender: str | None = None, key_prefix: str | None = None
) -> None:
    send_input(run_input, flow_run_id, sender, key_prefix, _sync=True)


@async_dispatch(asend_input)
def send_input(
    run_input: Any, flow_run_id: Any, sender: str | None = None, key_prefix: str | None = None
) -> None:
    """Send an input (a RunInput, a pydantic model or any value pydantic can serialize)
    to a flow run, under a fresh key of `key_prefix` (default: the type's name)."""
    model = _as_run_input(run_input)
    prefix = key_prefix or f"{type(model).__name__.lower()}-auto"
    create_flow_run_input_from_model(
        f"{prefix}-{uuid.uuid4()}", model, str(flow_run_id), sender, _sync=True
    )


def receive_input(
    input_type: Any,
    timeout: float | None = 3600,
    poll_interval: float = 10,
    raise_timeout_error: bool = False,
    exclude_keys: set[str] | None = None,
    key_prefix: str | None = None,
    flow_run_id: Any = None,
    with_metadata: bool = False,
) -> GetInputHandler[Any]:
    """Iterate over the inputs of `input_type` sent to a flow run (default: this one)."""
    input_cls = run_input_subclass_from_type(input_type)
    if issubclass(input_cls, AutomaticRunInput):
        return input_cls.receive(
            timeout,
            poll_interval,
            raise_timeout_error,
            exclude_keys,
            key_prefix,
            flow_run_id,
            with_metadata,
        )
    return input_cls.receive(  # type: ignore[attr-defined]
        timeout, poll_interval, raise_timeout_error, exclude_keys, key_prefix, flow_run_id
    )
