from prefect import flow


@flow
def pipeline(n):
    big = is_big(n)
    if big:
        a = shout(n)
    else:
        b = whisper(n)
    result = a if big else b
