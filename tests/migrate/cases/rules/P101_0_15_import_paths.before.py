from prefect.engine.executors import DaskExecutor

executor = DaskExecutor
