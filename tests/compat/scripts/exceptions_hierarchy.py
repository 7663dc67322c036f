"""The exception classes users catch, and what they subclass."""

from prefect import exceptions

NAMES = [
    "PrefectException",
    "CrashedRun",
    "FailedRun",
    "CancelledRun",
    "UnfinishedRun",
    "MissingResult",
    "ParameterTypeError",
    "ParameterBindError",
    "UpstreamTaskError",
    "MissingContextError",
    "MappingLengthMismatch",
    "MappingMissingIterable",
]

for name in NAMES:
    cls = getattr(exceptions, name)
    print(
        name,
        "prefect:",
        issubclass(cls, exceptions.PrefectException),
        "TypeError:",
        issubclass(cls, TypeError),
        "RuntimeError:",
        issubclass(cls, RuntimeError),
        "ValueError:",
        issubclass(cls, ValueError),
    )
