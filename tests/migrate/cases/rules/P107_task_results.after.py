from prefect import task
from prefect.filesystems import LocalFileSystem

@task(persist_result=True, result_storage=LocalFileSystem(basepath="/tmp/results"))
def load():
    return 1
