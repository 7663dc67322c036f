from copy import deepcopy
from datetime import datetime
from pytz import timezone
from prefect.schedules import Schedule
from prefect.schedules.clocks import CronClock
from prefect.storage import GCS
from prefect.run_configs import KubernetesRun
from flows import template_flow

schedule = Schedule(
    clocks=[
        CronClock(
            cron="0 12 16 * *",
            start_date=datetime(2022, 12, 16, 12, 0, tzinfo=timezone("America/Sao_Paulo")),
            labels=["prod-agent"],
        ),
    ]
)

copied = deepcopy(template_flow)
copied.storage = GCS("flows-bucket")
copied.run_config = KubernetesRun(image="etl:1", labels=["prod-agent"])
copied.schedule = schedule
