from prefect.variables import Variable

# TODO(headrace-migrate P208): create a variable "etl-config" with the value of the JSON block "etl-config" (JSON/String/DateTime blocks are gone)
config = Variable.get("etl-config")
