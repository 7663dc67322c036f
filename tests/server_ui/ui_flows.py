"""Flows the UI tests run in subprocesses: `python ui_flows.py COMMAND [ARG]`.

Each command records into the store the environment points at (`HEADRACE_HOME`, or the
server with `HEADRACE_API_URL`), like a user's script would.
"""

from __future__ import annotations

import sys
from pathlib import Path

from headrace import flow, get_run_logger, tags, task


@task
def square(x: int) -> int:
    return x * x


@task
def summarize(values: list[int]) -> int:
    get_run_logger().warning("summing %d values", len(values))
    return sum(values)


@flow
def ui_greet(name: str = "world", times: int = 1) -> str:
    get_run_logger().info("greeting %s", name)
    return " ".join([f"hello {name}"] * times)


@flow
def ui_child(limit: int) -> int:
    get_run_logger().info("child counting to %d", limit)
    return sum(square.map(range(limit)).result())


@flow
def ui_pipeline(size: int = 4) -> int:
    logger = get_run_logger()
    logger.info("pipeline starting with size %d", size)
    values = square.map(range(size)).result()
    total = summarize(values)
    return total + ui_child(size)


def _bad_config(reason: str) -> None:
    raise ValueError(f"cannot continue: {reason}")


@flow
def ui_broken(reason: str = "disk full") -> None:
    get_run_logger().info("about to fail")
    _bad_config(reason)


REPORT = """# Nightly report

Loaded **1,204 rows** in *3.2 s*; see [the docs](https://example.com/docs).

- extract
- transform
  - dedupe
- load

| table | rows |
|---|---|
| orders | 1200 |
| customers | 4 |

```
select count(*) from orders
```

<script>window.__pwned = true</script>
[bad link](javascript:window.__pwned=true) <img src=x onerror="window.__pwned=true">
"""


@task
def publish_table() -> None:
    from headrace.artifacts import create_table_artifact

    create_table_artifact(
        [{"table": "orders", "rows": 1200}, {"table": "customers", "rows": 4}],
        key="row-counts",
        description="Rows per table",
    )


@flow
def ui_report(image_url: str, version: int = 1) -> None:
    from headrace.artifacts import (
        create_image_artifact,
        create_link_artifact,
        create_markdown_artifact,
        create_progress_artifact,
        update_progress_artifact,
    )

    create_markdown_artifact(REPORT.replace("Nightly", f"Nightly v{version}"), key="nightly-report")
    publish_table()
    progress = create_progress_artifact(40, key="load-progress")
    update_progress_artifact(progress, 75)
    create_link_artifact("https://example.com/dashboards/1", "Dashboard", key="dashboard-link")
    create_image_artifact(image_url, key="run-chart", description="The *chart*")


def _config() -> None:
    """A secret block, a variable and a concurrency limit for the configuration pages."""
    from headrace.blocks.system import Secret
    from headrace.concurrency import limits
    from headrace.variables import Variable

    Secret(value="hunter2-do-not-show").save("warehouse-password", overwrite=True)
    Variable.set("batch_size", {"rows": 500, "parallel": True}, tags=["etl"], overwrite=True)
    limits.create_limit("warehouse", 3, overwrite=True)


def _deploy(pool: str) -> None:
    from headrace.deployments import load_flow_from_source

    here = Path(__file__).resolve().parent
    load_flow_from_source(here, "ui_flows.py:ui_greet").deploy(
        "nightly", work_pool_name=pool, parameters={"name": "ops"}, cron="0 3 * * *",
        tags=["ops"], print_next_steps=False,
    )  # fmt: skip


def main(command: str, arg: str | None = None) -> None:
    if command == "greet":
        with tags("ui", "smoke"):
            ui_greet(arg or "world")
    elif command == "many":
        for i in range(int(arg or 30)):
            with tags("bulk", "even" if i % 2 == 0 else "odd"):
                ui_greet(f"n{i}")
    elif command == "pipeline":
        ui_pipeline(int(arg or 4))
    elif command == "broken":
        ui_broken(arg or "disk full", return_state=True)
    elif command == "config":
        _config()
    elif command == "seed":  # one interpreter for everything the read-only pages show
        ui_broken("disk full", return_state=True)
        ui_pipeline(4)
        main("many", "30")
        _config()
    elif command == "report":  # ARG: a URL of an image the server serves
        ui_report(arg or "", 1)
        ui_report(arg or "", 2)
    elif command == "deploy":
        _deploy(arg or "ui-pool")
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
