from prefect.blocks.system import JSON, String

JSON(value={"retries": 3}).save("etl-config", overwrite=True)
region = String(value="eu-west-1")
region.save(name="region")

config = JSON.load("etl-config").value
print(config["retries"], String.load("region").value)
