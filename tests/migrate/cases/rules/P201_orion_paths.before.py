from prefect.orion.schemas.states import Completed
from prefect.client.orion import OrionClient

def done(client: OrionClient):
    return Completed()
