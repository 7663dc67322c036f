"""Exceptions with Prefect 3's names, so `except prefect.exceptions.X` ports unchanged."""

from __future__ import annotations


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


class NotPausedError(HeadraceException):
    """`resume_flow_run` was asked to resume a run that is not paused."""


class FlowPauseTimeout(HeadraceException):
    """A paused run was not resumed within its timeout (or can no longer be resumed)."""


class FlowRunWaitTimeout(HeadraceException):
    """`wait_for_flow_run` gave up before the run reached a final state."""


class Pause(BaseException):
    """Raised inside a flow that suspends itself: the run ends Suspended and its process
    may exit; resuming it re-runs it. A BaseException, like Prefect's signals, so a flow's
    own `except Exception` does not swallow it."""

    def __init__(self, *args: object, state: object = None) -> None:
        super().__init__(*args)
        self.state = state


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


class SignatureMismatchError(HeadraceException, TypeError):
    """Parameters given to a call do not match the function's signature."""


class TerminationSignal(BaseException):
    """The process received SIGTERM while a run was in progress.

    A BaseException, as in Prefect: it must not be caught by `except Exception` in user
    code, and a run it interrupts ends Crashed, not Failed.
    """


class ObjectNotFound(HeadraceException):
    """A stored object (run, block, limit, deployment) does not exist."""


class ObjectAlreadyExists(HeadraceException):
    """A stored object with that name already exists."""


class TaskRunTimeoutError(HeadraceException, TimeoutError):
    """A task run exceeded its `timeout_seconds`."""


class FlowRunTimeoutError(HeadraceException, TimeoutError):
    """A flow run exceeded its `timeout_seconds`."""


class ConfigurationError(HeadraceException):
    """A setting or option has an invalid value."""


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


class BlockDocumentInvalid(BlockError, ValueError):
    """A saved document no longer validates against its block class."""


class BlockEncryptionError(BlockError):
    """The encryption key is missing, malformed, or not the one the store was written with."""


class ConcurrencySlotAcquisitionError(HeadraceException):
    """Slots can never be acquired: the limit is missing (strict mode), too small or unusable."""


class AcquireConcurrencySlotTimeoutError(ConcurrencySlotAcquisitionError, TimeoutError):
    """Slots were not free within `timeout_seconds`."""
