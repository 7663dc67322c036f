from prefect.blocks.system import JSON

config = JSON.load("etl-config").value
