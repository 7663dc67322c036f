#!/bin/sh
# build the deployment from the CLI and start an agent on its queue
set -e
prefect deployment build flows/etl.py:etl -n nightly -q default --apply
prefect agent start -q default
