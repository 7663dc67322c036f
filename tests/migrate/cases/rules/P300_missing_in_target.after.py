from prefect import flow
from prefect.settings import PREFECT_API_URL


@flow
def etl():
    # TODO(headrace-migrate P199): set_key_value -> the 1.x backend API is gone: use get_client() / Variable
    set_key_value(key="last", value=1)
    # TODO(headrace-migrate P300): PREFECT_ORION_UI_URL (prefect.settings.PREFECT_ORION_UI_URL) does not exist in prefect: its import was removed; replace this use
    print(PREFECT_API_URL.value(), PREFECT_ORION_UI_URL.value())
