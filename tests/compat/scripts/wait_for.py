"""wait_for orders tasks without passing data; a failed wait_for upstream blocks the task."""

from prefect import allow_failure, flow, task

order = []


@task
def step(name: str) -> str:
    order.append(name)
    return name


@task
def fail():
    order.append("fail")
    raise RuntimeError("nope")


@flow
def pipeline():
    a = step.submit("a")
    b = step.submit("b", wait_for=[a])
    c = step("c", wait_for=[b])
    print("c:", c)
    f = fail.submit()
    state = step("after-fail", wait_for=[f], return_state=True)
    print("after-fail state:", state.name)
    d = step("tolerant", wait_for=[allow_failure(f)])
    print("d:", d)
    return "ok"


print(pipeline())
print("order:", order)
