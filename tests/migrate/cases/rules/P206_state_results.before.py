def check(fut):
    state = fut.get_state()
    return state.result(fetch=True)
