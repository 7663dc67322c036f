from prefect.schedules import Cron

etl.serve(name="nightly", schedules=[Cron("0 6 * * *", timezone="UTC")])
