"""Registers the ETL flow with Prefect Server (1.x)."""
from flows.etl import flow

flow.register(project_name="analytics", labels=["dev"])
