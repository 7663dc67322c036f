from prefect import case
from vendor.flows import VendorFlow


# a Flow class the migrated tree does not define: its block stays a 1.x graph, so the
# rules for flow bodies must not touch it (here `big` is a task, always true)
with VendorFlow("kept") as flow:
    big = is_big(3)
    with case(big, True):
        shout(3, upstream_tasks=[big])
