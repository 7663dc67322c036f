"""retry_condition_fn decides per failure whether another attempt is made."""

from prefect import flow, task

calls = []


def only_connection_errors(task, task_run, state) -> bool:
    try:
        state.result()
    except ConnectionError:
        return True
    except Exception:
        return False
    return False


@task(retries=3, retry_delay_seconds=0, retry_condition_fn=only_connection_errors)
def fetch(kind: str) -> str:
    calls.append(kind)
    n = calls.count(kind)
    if kind == "conn" and n < 3:
        raise ConnectionError(f"conn attempt {n}")
    if kind == "type":
        raise TypeError(f"type attempt {n}")
    return f"{kind} ok after {n}"


@flow
def pipeline():
    print(fetch("conn"))
    state = fetch("type", return_state=True)
    print("type state:", state.name)
    print("type calls:", calls.count("type"))


pipeline()
print("calls:", calls)
