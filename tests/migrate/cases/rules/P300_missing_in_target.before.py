from prefect import flow
from prefect.backend import set_key_value
from prefect.settings import PREFECT_API_URL, PREFECT_ORION_UI_URL


@flow
def etl():
    set_key_value(key="last", value=1)
    print(PREFECT_API_URL.value(), PREFECT_ORION_UI_URL.value())
