from prefect.client.schemas.schedules import CronSchedule

etl.serve(name="nightly", schedule=CronSchedule(cron="0 6 * * *", timezone="UTC"))
