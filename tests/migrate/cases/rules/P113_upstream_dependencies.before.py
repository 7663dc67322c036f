from prefect import flow


@flow
def pipeline():
    a = extract()
    b = load(upstream_tasks=[a])
    c = report()
    c.set_upstream(b)
