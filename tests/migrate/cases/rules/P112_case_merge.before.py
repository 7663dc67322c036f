from prefect import case, flow
from prefect.tasks.control_flow import merge


@flow
def pipeline(n):
    big = is_big(n)
    with case(big, True):
        a = shout(n)
    with case(big, False):
        b = whisper(n)
    result = merge(a, b)
