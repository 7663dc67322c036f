# TODO(headrace-migrate P115): schedule option labels= dropped: labels picked an agent: runs go to the deployment's work pool now
# TODO(headrace-migrate P103): copied: storage=GCS("flows-bucket"), run_config=KubernetesRun(image="etl:1", labels=["prod-agen... moved to deployment: pass them to copied.deploy(work_pool_name=..., job_variables=...) or .from_source(...)
from copy import deepcopy
from datetime import datetime
from pytz import timezone
from prefect.schedules import Cron
from flows import template_flow

schedule = [
        Cron("0 12 16 * *", timezone="America/Sao_Paulo"),
    ]

copied = deepcopy(template_flow)
copied.schedule = schedule
