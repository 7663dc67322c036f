"""Names Prefect keeps under `prefect._internal` that user code and plugins import anyway.

Each module here only re-exports headrace's public implementation under Prefect's path.
"""
