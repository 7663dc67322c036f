"""Exceptions with Prefect 3's names, so `except prefect.exceptions.X` ports unchanged."""

from __future__ import annotations

from typing import Any


class HeadraceException(Exception):
    """Base class of every headrace exception."""


#: Prefect's name for the base class, for code written against Prefect.
PrefectException = HeadraceException


class MissingContextError(HeadraceException, RuntimeError):
    """A run-context function was called outside of a flow or task run."""


class MissingResult(HeadraceException):
    """A state has no result to return (it was not kept or could not be read)."""


class UnfinishedRun(HeadraceException):
    """The result of a run that has not reached a final state was requested."""


class FailedRun(HeadraceException):
    """A run failed without an exception of its own (e.g. a returned Failed state)."""


class CrashedRun(HeadraceException):
    """A run crashed: the process running it died or it was interrupted."""


class CancelledRun(HeadraceException):
    """A run was cancelled."""


class PausedRun(HeadraceException):
    """A run is paused."""


class UpstreamTaskError(HeadraceException):
    """An upstream task did not complete, so this task cannot start."""


class ParameterTypeError(HeadraceException):
    """Parameters passed to a flow failed validation."""

    @classmethod
    def from_validation_error(cls, exc: Exception) -> ParameterTypeError:
        errors = getattr(exc, "errors", None)
        if callable(errors):
            lines = []
            for error in errors():
                location = ".".join(str(part) for part in error.get("loc", ()))
                lines.append(f"{location}: {error.get('msg')}")
            return cls("Flow run received invalid parameters:\n - " + "\n - ".join(lines))
        return cls(str(exc))


class ParameterBindError(HeadraceException, TypeError):
    """Arguments do not match the signature of the flow or task function."""

    @classmethod
    def from_bind_failure(
        cls, fn: Any, exc: BaseException, call_args: Any, call_kwargs: dict[str, Any]
    ) -> ParameterBindError:
        """The error for a failed `inspect.Signature.bind`, in Prefect's words; argument
        values are shown by type only and keyword arguments by name (they may be secrets)."""
        import inspect

        name = getattr(fn, "__name__", type(fn).__name__)
        shown = ", ".join(type(value).__name__ for value in call_args)
        shown = f"({shown},)" if len(call_args) == 1 else f"({shown})"
        signature = str(inspect.signature(fn)).strip("()")
        return cls(
            f"Error binding parameters for function {name!r}: {exc}.\n"
            f"Function {name!r} has signature {signature!r} but received args: {shown} "
            f"and kwargs: {list(call_kwargs)}."
        )


class SignatureMismatchError(HeadraceException, TypeError):
    """Parameters given to a call do not match the function's signature."""

    @classmethod
    def from_bad_params(
        cls, expected_params: list[str], provided_params: list[str]
    ) -> SignatureMismatchError:
        return cls(
            f"Function expects parameters {expected_params} but was provided with "
            f"parameters {provided_params}"
        )


class ExternalSignal(BaseException):
    """Base of signals from outside the process (never caught by `except Exception`)."""


class TerminationSignal(ExternalSignal):
    """The process received SIGTERM while a run was in progress.

    A BaseException, as in Prefect: it must not be caught by `except Exception` in user
    code, and a run it interrupts ends Crashed, not Failed. `signal` is the number received.
    """

    def __init__(self, signal: int = 15) -> None:
        super().__init__()
        self.signal = signal


class ObjectNotFound(HeadraceException):
    """A stored object (run, block, limit, deployment) does not exist."""


class ObjectAlreadyExists(HeadraceException):
    """A stored object with that name already exists."""


class TaskRunTimeoutError(HeadraceException, TimeoutError):
    """A task run exceeded its `timeout_seconds`."""


class FlowRunTimeoutError(HeadraceException, TimeoutError):
    """A flow run exceeded its `timeout_seconds`."""


class ConfigurationError(HeadraceException, ValueError):
    """A setting or option has an invalid value, or a result store lacks what an
    operation needs (e.g. a lock manager)."""


class MappingLengthMismatch(HeadraceException):
    """Iterables given to `.map()` have different lengths."""


class MappingMissingIterable(HeadraceException):
    """`.map()` was given no iterable argument."""


# -- errors the store raises, defined here so the store depends on no subsystem -----------------
# (`headrace.blocks.errors` and `headrace.concurrency.errors` re-export them)
class BlockError(Exception):
    """Base class of every block error."""


class InvalidBlockName(BlockError, ValueError):
    """A block document name or reference that breaks the naming rules."""


class UnknownBlockType(BlockError, ValueError):
    """No registered block type has this slug."""


class BlockNotFound(BlockError, ValueError):
    """No saved block document has this type and name."""


class BlockAlreadyExists(BlockError, ValueError):
    """`save` without `overwrite=True` onto a name already in use."""


class BlockInUse(BlockError):
    """A block cannot be deleted while other blocks reference it."""


class BlockDocumentInvalid(BlockError, ValueError, RuntimeError):
    """A saved document no longer validates against its block class."""


class BlockEncryptionError(BlockError):
    """The encryption key is missing, malformed, or not the one the store was written with."""


class ConcurrencySlotAcquisitionError(HeadraceException):
    """Slots can never be acquired: the limit is missing (strict mode), too small or unusable."""


class AcquireConcurrencySlotTimeoutError(ConcurrencySlotAcquisitionError, TimeoutError):
    """Slots were not free within `timeout_seconds`."""


# -- the rest of Prefect 3's exception names ------------------------------------------------


def exception_traceback(exc: BaseException) -> str:
    """The exception and its traceback as printable text."""
    import traceback

    return "".join(traceback.TracebackException.from_exception(exc).format())


class MissingFlowError(HeadraceException):
    """An entrypoint or script does not contain the flow asked for."""


class UnspecifiedFlowError(HeadraceException):
    """A script holds several flows and none was named."""


class ScriptError(HeadraceException):
    """Importing a user's script (to load a flow from it) raised an exception."""

    def __init__(self, user_exc: BaseException, path: str) -> None:
        super().__init__(f"Script at {str(path)!r} encountered an exception: {user_exc!r}")
        self.user_exc = user_exc
        self.path = path


class ObjectLimitReached(HeadraceException):
    """The store refused to create an object because a limit was reached."""


class ObjectUnsupported(HeadraceException):
    """The store does not support this kind of object."""


class MissingProfileError(HeadraceException, ValueError):
    """A settings profile that does not exist was asked for."""


class ReservedArgumentError(HeadraceException, TypeError):
    """A flow or task function uses a parameter name the call convention reserves."""


class InvalidNameError(HeadraceException, ValueError):
    """A name contains a character that names may not contain."""


class PrefectSignal(BaseException):
    """Base of signal-like exceptions that user code must never catch."""


class Abort(PrefectSignal):
    """The orchestrator told the run to stop at once."""


class Pause(PrefectSignal):
    """The run paused and exits to be resumed later."""

    def __init__(self, *args: object, state: Any = None) -> None:
        super().__init__(*args)
        self.state = state


class BlockMissingCapabilities(HeadraceException):
    """A block lacks a capability the caller needs (e.g. it cannot write paths)."""


class ProtectedBlockError(HeadraceException):
    """A protected (built-in) block type cannot be changed."""


class InvalidRepositoryURLError(HeadraceException):
    """A repository URL given as a flow's source is not valid."""


class InfrastructureError(HeadraceException):
    """The infrastructure running a flow run failed."""


class InfrastructureNotFound(HeadraceException):
    """The infrastructure a flow run ran on no longer exists."""


class InfrastructureNotAvailable(HeadraceException):
    """The infrastructure a flow run ran on cannot be reached."""


class NotPausedError(HeadraceException):
    """Resuming a run that is not paused."""


class FlowPauseTimeout(HeadraceException):
    """A paused run was not resumed in time."""


class FlowRunWaitTimeout(HeadraceException):
    """Waiting for a flow run to finish took longer than allowed."""


class FlowRunWatchError(HeadraceException):
    """Watching a flow run failed."""


class PrefectImportError(ImportError):
    """An optional dependency of a feature is not installed."""


class SerializationError(HeadraceException):
    """A value could not be serialized or deserialized."""


class EventTooLarge(HeadraceException):
    """An event is larger than the configured maximum size."""

    def __init__(self, size: int, maximum_size: int) -> None:
        super().__init__(f"Event is too large to emit ({size} > {maximum_size} bytes)")
        self.size = size
        self.maximum_size = maximum_size


class ProfileSettingsValidationError(HeadraceException):
    """A settings profile holds invalid values."""

    def __init__(self, errors: list[tuple[Any, Exception]]) -> None:
        super().__init__(errors)
        self.errors = errors


class HashError(HeadraceException):
    """An object could not be hashed (e.g. for a cache key)."""


def __getattr__(name: str) -> Any:
    # httpx costs import time that runs without a server never need; build it on first use
    if name == "PrefectHTTPStatusError":
        import httpx

        class PrefectHTTPStatusError(httpx.HTTPStatusError):
            """An HTTP error from the API, with the server's error details in its message."""

            @classmethod
            def from_httpx_error(cls, error: httpx.HTTPStatusError) -> PrefectHTTPStatusError:
                try:
                    details = error.response.json()
                except ValueError:
                    details = None
                message = str(error)
                if details is not None:
                    message = f"{message}\nResponse: {details}"
                return cls(message, request=error.request, response=error.response)

        PrefectHTTPStatusError.__module__ = __name__
        globals()[name] = PrefectHTTPStatusError
        return PrefectHTTPStatusError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
