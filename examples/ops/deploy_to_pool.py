"""Deploy a flow to a process work pool, then let a worker run it.

headrace work-pool create local --type process
python examples/ops/deploy_to_pool.py
headrace worker start --pool local            # in another shell
headrace deployment run 'etl/hourly' --param batch=5
"""

from headrace import flow
from headrace.concurrency.sync import concurrency, rate_limit


@flow
def etl(batch: int = 10) -> int:
    rate_limit("source-api", strict=False)  # paced by `headrace gcl create ... --slot-decay`
    with concurrency("warehouse", occupy=1):  # at most N loads at once, across processes
        return batch * 2


if __name__ == "__main__":
    etl.deploy(name="hourly", work_pool_name="local", cron="0 * * * *", parameters={"batch": 3})
