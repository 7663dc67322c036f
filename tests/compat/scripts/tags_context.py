"""`with tags(...)` adds tags to task runs created inside; decorator tags add to them."""

from prefect import flow, runtime, tags, task


@task(tags=["decorated"])
def tagged() -> list[str]:
    return sorted(runtime.task_run.tags)


@task
def untagged() -> list[str]:
    return sorted(runtime.task_run.tags)


@flow
def pipeline():
    print("no context:", tagged(), untagged())
    with tags("a", "b"):
        print("one level:", tagged(), untagged())
        with tags("c"):
            print("nested:", untagged())
    print("after:", untagged())


pipeline()
with tags("outer"):
    pipeline()
