from prefect import task
from prefect.triggers import all_finished

@task(trigger=all_finished, state_handlers=[alert])
def cleanup():
    pass
