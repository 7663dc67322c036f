from prefect import flow


@flow
def pipeline():
    a = extract()
    b = load(wait_for=[a])
    c = report(wait_for=[b])
