def check(fut):
    state = fut.state
    return state.result()
