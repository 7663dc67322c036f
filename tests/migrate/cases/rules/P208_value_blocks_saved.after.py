from prefect.variables import Variable

Variable.set("etl-config", {"retries": 3}, overwrite=True)
Variable.set("region", "eu-west-1")

config = Variable.get("etl-config")
print(config["retries"], Variable.get("region"))
