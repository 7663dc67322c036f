"""The run engine: one state machine for task runs and one for flow runs.

Each machine decides states (`_task_run.TaskRunMachine`, `_flow_run.FlowRunMachine`);
small sync and async drivers call the user's function and feed the outcome back, so
sync and async runs share every rule.
"""
