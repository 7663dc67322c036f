from prefect.tasks.control_flow import ifelse

def pipeline(c):
    ifelse(c, a, b)
