from prefect_aws import S3Bucket

bucket = S3Bucket(bucket_name="raw", credentials=creds, bucket_folder="in/")
