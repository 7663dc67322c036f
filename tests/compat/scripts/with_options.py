"""with_options returns a copy with new settings; the original is unchanged."""

from prefect import flow, runtime, task


@task(name="original", retries=1)
def work(x: int) -> str:
    return f"{runtime.task_run.name.split('-')[0]}:{x}"


renamed = work.with_options(name="renamed", retries=4)


@flow(name="first-flow")
def pipeline():
    return [work(1), renamed(2)]


print(work.name, work.retries)
print(renamed.name, renamed.retries)
print(pipeline())
other = pipeline.with_options(name="second-flow")
print(pipeline.name, other.name)
print(other())
