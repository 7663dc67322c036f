def check(fut):
    state = fut.state
    return state.result()


async def check_async(flow_state):
    return await flow_state.aresult()
