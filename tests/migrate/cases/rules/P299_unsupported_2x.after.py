# TODO(headrace-migrate P299): KubernetesJob -> infrastructure blocks are work pools (+ job_variables=) now
job = KubernetesJob(image="etl:1")
