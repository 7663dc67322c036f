"""An async flow of the 2.x era: awaits submit() and future.result()."""
from prefect import flow, task
from prefect.orion.schemas.states import Completed


@task
async def send(message: str) -> str:
    return f"sent: {message}"


@flow
async def notify(message: str = "done"):
    future = await send.submit(message)
    text = await future.result()
    state = await send(message, return_state=True)
    print(text, await state.result(fetch=True))
    return Completed(message=text)
