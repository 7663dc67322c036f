import prefect

def run_date():
    return prefect.context.get("today"), prefect.context.parameters
