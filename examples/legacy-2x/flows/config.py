"""Settings kept in blocks (2.x)."""
from prefect.blocks.system import JSON, Secret


def settings() -> dict:
    return JSON.load("etl-config").value


def api_token() -> str:
    return Secret.load("api-token").get()
