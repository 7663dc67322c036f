from prefect.infrastructure import KubernetesJob

job = KubernetesJob(image="etl:1")
