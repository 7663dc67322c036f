"""Parameter validation: pydantic coercion, ParameterTypeError, and validate_parameters=False."""

from prefect import flow
from prefect.exceptions import ParameterTypeError


@flow
def typed(n: int, ratio: float = 1.0, names: list[str] | None = None) -> str:
    return f"{n!r} {type(n).__name__} {ratio!r} {names!r}"


@flow(validate_parameters=False)
def unvalidated(n: int) -> str:
    return f"{n!r} {type(n).__name__}"


print(typed("5"))
print(typed(5, ratio="2.5", names=("a", "b")))
print(unvalidated("5"))
try:
    typed("five")
except ParameterTypeError as exc:
    print("raised:", type(exc).__name__)
    print("message:", str(exc))
    print("is TypeError:", isinstance(exc, TypeError))
state = typed("five", return_state=True)
print("state:", state.type.value, state.name)
print("state message:", state.message)
try:
    typed()
except BaseException as exc:
    print("missing argument:", type(exc).__name__, "|", str(exc).splitlines()[0])
try:
    typed(1, 2, 3, 4)
except BaseException as exc:
    print("too many arguments:", type(exc).__name__, "|", str(exc).splitlines()[0])
