"""cache_key_fn=task_input_hash: equal inputs reuse the first result; new inputs run again."""

import uuid
from datetime import timedelta

from prefect import flow, task
from prefect.tasks import task_input_hash

# A fresh nonce per process keeps earlier runs' cache entries out of this one.
NONCE = uuid.uuid4().hex
executions = []


@task(cache_key_fn=task_input_hash, cache_expiration=timedelta(hours=1))
def query(sql: str, nonce: str) -> list[dict]:
    executions.append(sql)
    return [{"sql": sql, "rows": len(executions)}]


@flow
def pipeline():
    r1 = query("SELECT 1", NONCE)
    r2 = query("SELECT 1", NONCE)
    r3 = query("SELECT 2", NONCE)
    state = query("SELECT 1", NONCE, return_state=True)
    print(r1, r2, r3)
    print("cached state:", state.type.value, state.name, state.result())


pipeline()
print("executions:", executions)
