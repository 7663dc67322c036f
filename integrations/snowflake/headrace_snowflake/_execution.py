"""Running one query on a cursor: submit, poll, collect; shared by the block and the tasks."""

from __future__ import annotations

import time
from typing import Any

Parameters = tuple[Any, ...] | list[Any] | dict[str, Any] | None


def run_and_wait(
    cursor, operation: str, parameters: Parameters, poll_frequency_s: float, **kwargs: Any
) -> None:
    """Submit a query asynchronously and poll until it ends, leaving its rows on `cursor`.

    Polling (rather than a blocking call) keeps long warehouse queries from holding an
    HTTP request open for their whole run; a failed query raises here.
    """
    connection = cursor.connection
    query_id = cursor.execute_async(operation, params=parameters, **kwargs)["queryId"]
    while connection.is_still_running(connection.get_query_status_throw_if_error(query_id)):
        time.sleep(poll_frequency_s)
    cursor.get_results_from_sfqid(query_id)


def cursor_key(operation: str, parameters: Parameters, execute_kwargs: dict) -> tuple:
    """A hashable key for one fetch: the same query and parameters reuse a cursor."""

    def freeze(value: Any) -> Any:
        if isinstance(value, dict):
            return tuple(sorted((k, freeze(v)) for k, v in value.items()))
        if isinstance(value, (list, tuple)):
            return tuple(freeze(v) for v in value)
        return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)

    return (operation, freeze(parameters), freeze(execute_kwargs))
