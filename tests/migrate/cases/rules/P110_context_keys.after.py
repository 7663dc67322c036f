from prefect import runtime

def run_date():
    return runtime.flow_run.scheduled_start_time.strftime("%Y-%m-%d"), runtime.flow_run.parameters
