from prefect.tasks.secrets import PrefectSecret

token = PrefectSecret("SLACK_TOKEN")
