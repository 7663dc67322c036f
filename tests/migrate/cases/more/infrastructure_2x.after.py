from flows import etl

# TODO(headrace-migrate P204): infrastructure=KubernetesJob(image="etl:1", namespace="data"): create a 'kubernetes' work pool
# TODO(headrace-migrate P204): deploy() needs a work pool: create one (or use etl.serve(...) to run in-process)
etl.deploy(name="k", job_variables={"image": "etl:1", "namespace": "data", "env": {"A": "1"}}, work_pool_name="default")
# TODO(headrace-migrate P204): infrastructure=KubernetesJob.load("k8s"): create a work pool of that type and name it in work_pool_name= (its settings go to job_variables=)
# TODO(headrace-migrate P204): deploy() needs a work pool: create one (or use etl.serve(...) to run in-process)
etl.deploy(name="j", work_pool_name="default")
