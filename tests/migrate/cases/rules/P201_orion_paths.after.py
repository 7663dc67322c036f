from prefect.states import Completed
from prefect.client.orchestration import PrefectClient

def done(client: PrefectClient):
    return Completed()
