from vendor.flows import VendorFlow


# a Flow class the migrated tree does not define: its block stays a 1.x graph, so the
# rules for flow bodies must not touch it (here `big` is a task, always true)
with VendorFlow("kept") as flow:
    big = is_big(3)
    # TODO(headrace-migrate P199): case -> conditional tasks are if/else in the flow function now
    with case(big, True):
        shout(3, upstream_tasks=[big])
