"""`return_state=True` on a flow call: the flow's final state, for success and failure."""

from prefect import flow


@flow
def good(n: int) -> int:
    return n + 1


@flow
def bad(n: int) -> int:
    raise RuntimeError(f"flow broke on {n}")


s = good(1, return_state=True)
print("good:", s.type.value, s.name, s.is_completed(), s.is_failed())
print("good result:", s.result())

s = bad(2, return_state=True)
print("bad:", s.type.value, s.name, s.is_completed(), s.is_failed())
print("bad message:", s.message)
try:
    s.result()
except RuntimeError as exc:
    print("bad result raised:", type(exc).__name__, exc)
