def check(fut):
    state = fut.get_state()
    return state.result(fetch=True)


async def check_async(flow_state):
    return await flow_state.result(fetch=True)
