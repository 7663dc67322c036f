def pipeline(c):
    # TODO(headrace-migrate P199): ifelse -> case/merge/ifelse/switch are if/else in the flow function now
    ifelse(c, a, b)
