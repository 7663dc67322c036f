from prefect_aws import S3Bucket

bucket = S3Bucket(bucket_name="raw", aws_credentials=creds, basepath="in/")
