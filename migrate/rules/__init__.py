"""The built-in rules. The transform orders all rules by (phase, code): 1.x structure, 1.x
details, 2.x, then the leftover reports."""

from __future__ import annotations

from headrace.migrate.rules.p101_old_paths import OldPaths
from headrace.migrate.rules.p102_class_tasks import ClassTasks
from headrace.migrate.rules.p103_flow_block import FlowBlock
from headrace.migrate.rules.p104_flow_calls import FlowCalls
from headrace.migrate.rules.p105_retries import Retries
from headrace.migrate.rules.p106_task_options import TaskOptions
from headrace.migrate.rules.p107_results import Results
from headrace.migrate.rules.p108_handlers_triggers import HandlersTriggers
from headrace.migrate.rules.p109_context_logger import ContextLogger
from headrace.migrate.rules.p110_context_keys import ContextKeys
from headrace.migrate.rules.p111_signals import Signals
from headrace.migrate.rules.p112_case_merge import CaseMerge
from headrace.migrate.rules.p113_dependencies import Dependencies
from headrace.migrate.rules.p114_executors import Executors
from headrace.migrate.rules.p115_schedules_1x import Schedules1x
from headrace.migrate.rules.p116_secrets import Secrets
from headrace.migrate.rules.p117_task_library import TaskLibrary
from headrace.migrate.rules.p118_flow_of_flows import FlowOfFlows
from headrace.migrate.rules.p199_leftovers_1x import Leftovers1x
from headrace.migrate.rules.p201_orion import Orion
from headrace.migrate.rules.p202_moved_names import MovedNames
from headrace.migrate.rules.p203_sequential_runner import SequentialRunner
from headrace.migrate.rules.p204_deployments import Deployments
from headrace.migrate.rules.p205_await_futures import AwaitFutures
from headrace.migrate.rules.p206_state_results import StateResults
from headrace.migrate.rules.p207_schedules_2x import Schedules2x
from headrace.migrate.rules.p208_blocks import ValueBlocks
from headrace.migrate.rules.p209_s3_bucket import S3BucketOptions
from headrace.migrate.rules.p210_async_tasks import AsyncTasks
from headrace.migrate.rules.p299_leftovers_2x import Leftovers2x
from headrace.migrate.rules.p300_missing_names import MissingNames

BUILTIN_RULES = [
    OldPaths,
    ClassTasks,
    FlowBlock,
    FlowCalls,
    Retries,
    TaskOptions,
    Results,
    HandlersTriggers,
    ContextLogger,
    ContextKeys,
    Signals,
    CaseMerge,
    Dependencies,
    Executors,
    Schedules1x,
    Secrets,
    TaskLibrary,
    FlowOfFlows,
    Leftovers1x,
    Orion,
    MovedNames,
    SequentialRunner,
    Deployments,
    AwaitFutures,
    StateResults,
    Schedules2x,
    ValueBlocks,
    S3BucketOptions,
    AsyncTasks,
    Leftovers2x,
    MissingNames,
]
