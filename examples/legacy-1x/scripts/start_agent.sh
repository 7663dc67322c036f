#!/bin/sh
# start a local agent that picks up runs labelled "dev"
set -e
prefect backend server
prefect agent local start -l dev
