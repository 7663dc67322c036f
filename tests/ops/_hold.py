"""Helper process: take a slot, say so, then hold it until killed."""

import sys
import time

from headrace.concurrency.sync import concurrency

with concurrency(sys.argv[1], strict=True):
    print("held", flush=True)
    while True:
        time.sleep(0.05)
