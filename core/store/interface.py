"""The store interface: one `Store` object per backend, one repository per subsystem.

The engine, the CLI, workers, `serve` and `get_client()` talk to the store only through
these protocols, so the same code runs on every backend:

- `headrace.store.sql` implements them once in SQL, for a SQLite file (the default) and
  for PostgreSQL (`HEADRACE_DATABASE_URL=postgresql://...`);
- the HTTP backend (`HEADRACE_API_URL=http://host:port/api`) implements them by calling
  the server, whose routes call the SQL implementation.

Rules every implementation follows:

- Values are plain data: the `*Row` typed dicts below (JSON-able, times as Unix seconds
  in floats), dataclasses of this module, `str` ids. Callers get copies; mutating one
  changes nothing in the store.
- Run-record writes (`RunRepository.record_*`) are queued and return at once: a task call
  never waits on a database or a network. `Store.flush()` waits until they are written;
  every read of run history flushes first, so a process reads its own writes.
- Everything else is synchronous and atomic per call: a method either does all it says
  or nothing, also when several processes (or machines) call it at once.
- Errors are the classes of `headrace.exceptions`: missing objects raise `ObjectNotFound`
  (blocks: `BlockNotFound`), duplicates `ObjectAlreadyExists` (`BlockAlreadyExists`), a
  referenced block `BlockInUse`, an unusable slot request
  `ConcurrencySlotAcquisitionError`, as documented per method.

Changes to this module are announced in commit messages: other backends implement it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict, runtime_checkable

if TYPE_CHECKING:
    from headrace.run_records import FlowRun, TaskRun
    from headrace.states import State

# state types as stored: "SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED",
# "CANCELLED", "CRASHED", "PAUSED", "CANCELLING"
FINAL_STATE_TYPES = ("COMPLETED", "FAILED", "CANCELLED", "CRASHED")


# -- rows ----------------------------------------------------------------------------------
class FlowRunRow(TypedDict):
    """A flow run as stored. `parameters` is the JSON-able form of the call's arguments
    (secrets masked); `process` is `pid:start-ticks` of the process running it, used to
    mark runs of dead processes Crashed. The deployment fields are None for runs not made
    for a deployment."""

    id: str
    name: str
    flow_name: str
    flow_version: str | None
    parameters: dict[str, Any]
    tags: list[str]
    state_type: str | None
    state_name: str | None
    state_message: str | None
    run_count: int
    created: float
    start_time: float | None
    end_time: float | None
    parent_flow_run_id: str | None
    parent_task_run_id: str | None
    deployment_id: str | None
    process: str | None
    scheduled_time: float | None
    auto_scheduled: bool | None
    worker_id: str | None


class TaskRunRow(TypedDict):
    """A task run as stored."""

    id: str
    flow_run_id: str | None
    name: str
    task_name: str
    task_key: str
    dynamic_key: str | None
    tags: list[str]
    state_type: str | None
    state_name: str | None
    state_message: str | None
    run_count: int
    cache_key: str | None
    created: float
    start_time: float | None
    end_time: float | None
    process: str | None


class StateRow(TypedDict):
    """One state transition of a flow or task run."""

    type: str
    name: str
    message: str | None
    timestamp: float


class LogRow(TypedDict):
    """One log record of a run (`level` as in `logging`)."""

    id: int
    flow_run_id: str | None
    task_run_id: str | None
    level: int
    logger: str
    message: str
    timestamp: float


class VariableRow(TypedDict):
    """A variable; `value` is the decoded JSON value."""

    name: str
    value: Any
    tags: list[str]
    created: float
    updated: float


class WorkPoolRow(TypedDict):
    name: str
    type: str
    created: float


class WorkerRow(TypedDict):
    """A worker process of a pool; `stopped` is set when it stopped or was reaped."""

    id: str
    name: str
    work_pool_name: str
    pid: int
    started: float
    heartbeat: float
    stopped: float | None


# -- queries -------------------------------------------------------------------------------
#: `expected_start_time` is the scheduled time of a deployment's run, else its start or
#: creation time; `id_desc` is the order of ids (random), as Prefect's ID_DESC
Sort = Literal[
    "created_desc",
    "created_asc",
    "start_time_desc",
    "start_time_asc",
    "expected_start_time_desc",
    "expected_start_time_asc",
    "end_time_desc",
    "name_asc",
    "name_desc",
    "id_desc",
]


@dataclass
class FlowRunQuery:
    """Which flow runs to read. None fields do not filter; the rest are ANDed.

    `tags_all`: runs carrying every one of these tags. `*_like`: case-insensitive
    substring. A `None` inside an id list matches a missing id: `parent_flow_run_ids=[None]`
    selects top-level runs, `deployment_ids=[None]` runs not made for a deployment.
    Times are Unix seconds; bounds are inclusive.
    """

    ids: list[str] | None = None
    id_prefix: str | None = None
    names: list[str] | None = None
    name_like: str | None = None
    flow_names: list[str] | None = None
    flow_name_like: str | None = None
    state_types: list[str] | None = None
    state_names: list[str] | None = None
    exclude_state_types: list[str] | None = None
    exclude_state_names: list[str] | None = None
    tags_all: list[str] | None = None
    deployment_ids: list[str | None] | None = None
    parent_flow_run_ids: list[str | None] | None = None
    work_pool_names: list[str] | None = None
    created_after: float | None = None
    created_before: float | None = None
    start_time_after: float | None = None
    start_time_before: float | None = None
    sort: Sort = "created_desc"
    limit: int | None = 200
    offset: int = 0


@dataclass
class TaskRunQuery:
    """Which task runs to read (see `FlowRunQuery`)."""

    ids: list[str] | None = None
    flow_run_ids: list[str | None] | None = None
    names: list[str] | None = None
    name_like: str | None = None
    task_names: list[str] | None = None
    state_types: list[str] | None = None
    state_names: list[str] | None = None
    exclude_state_types: list[str] | None = None
    exclude_state_names: list[str] | None = None
    tags_all: list[str] | None = None
    created_after: float | None = None
    created_before: float | None = None
    start_time_after: float | None = None
    start_time_before: float | None = None
    sort: Sort = "created_asc"
    limit: int | None = None
    offset: int = 0


@dataclass
class LogQuery:
    """Which logs to read; `level_min` is inclusive (`logging.WARNING` and above...)."""

    flow_run_ids: list[str] | None = None
    task_run_ids: list[str] | None = None
    level_min: int | None = None
    after: float | None = None
    before: float | None = None
    sort: Literal["timestamp_asc", "timestamp_desc"] = "timestamp_asc"
    limit: int | None = None
    offset: int = 0
    #: inclusive, like `level_min`
    level_max: int | None = None
    #: logger names (`headrace.flow_runs`, ...)
    loggers: list[str] | None = None
    #: words the message must contain (any case); `-word` must not, `"a phrase"` whole
    text: str | None = None


# -- value objects -------------------------------------------------------------------------
@dataclass(frozen=True)
class BlockDocument:
    """One saved block document; `data` is the Fernet-encrypted JSON of its fields (the
    store never sees plain values). `created`/`updated` are ISO-8601 UTC strings."""

    id: str
    block_type_slug: str
    name: str
    is_anonymous: bool
    data: bytes
    schema_version: str
    schema_checksum: str
    created: str = ""
    updated: str = ""

    @property
    def reference(self) -> str:
        return f"{self.block_type_slug}/{self.name}"


@dataclass(frozen=True)
class BlockDocumentWrite:
    """A document to write with `BlockRepository.save`; `references` maps a field path of
    the document to the id of the nested document stored there."""

    document: BlockDocument
    references: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LimitRow:
    """A concurrency limit with its occupancy when read (expired leases not counted)."""

    name: str
    limit: int
    active: bool
    slot_decay_per_second: float
    active_slots: int
    decaying_slots: float
    holders: tuple[str, ...]

    @property
    def tag(self) -> str | None:
        """The task tag this limit is for (`tag:NAME` limits), else None."""
        return self.name[4:] if self.name.startswith("tag:") else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "limit": self.limit,
            "active": self.active,
            "slot_decay_per_second": self.slot_decay_per_second,
            "active_slots": self.active_slots,
            "decaying_slots": round(self.decaying_slots, 3),
            "holders": list(self.holders),
        }


@dataclass
class Attempt:
    """The outcome of one acquisition try: acquired or not, which names have no limit,
    and (rate limits) how many seconds until enough slots have decayed."""

    acquired: bool
    missing: tuple[str, ...] = ()
    retry_after: float | None = None


@dataclass
class DeploymentRecord:
    """A stored deployment. `schedules` are the JSON forms of `headrace.schedules`
    objects; `parameter_names` (None: unknown) lets a server validate run parameters."""

    id: str
    name: str
    flow_name: str
    path: str | None
    entrypoint: str | None
    work_pool_name: str | None
    parameters: dict[str, Any] = field(default_factory=dict)
    parameter_names: list[str] | None = None
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    version: str | None = None
    schedules: list[dict[str, Any]] = field(default_factory=list)
    paused: bool = False
    created: float | None = None
    updated: float | None = None

    @property
    def full_name(self) -> str:
        return f"{self.flow_name}/{self.name}"

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "full_name": self.full_name}


# -- repositories --------------------------------------------------------------------------
@runtime_checkable
class RunRepository(Protocol):
    """Flow runs, task runs, their state transitions and logs."""

    # queued writes: return at once, written in batches by the backend's writer
    def record_flow_run(self, run: FlowRun) -> None:
        """Insert a flow run (or, for an existing id such as a deployment's scheduled run,
        update its state, start time and process) plus its current state."""

    def record_flow_run_state(self, run: FlowRun) -> None:
        """Store the run's current state, run count, start and end time, plus the state."""

    def record_task_run(self, run: TaskRun) -> None:
        """Insert a task run plus its current state."""

    def record_task_run_state(self, run: TaskRun) -> None:
        """Store the task run's current state, run count, cache key and times, plus the state."""

    def record_state(self, run_id: str, state: State) -> None:
        """An intermediate transition (e.g. Retrying) that does not change the run row."""

    def record_log(
        self,
        flow_run_id: str | None,
        task_run_id: str | None,
        level: int,
        logger: str,
        message: str,
        timestamp: float,
    ) -> None:
        """One log line of a run."""

    # reads (each flushes this process's queued writes first)
    def read_flow_runs(self, query: FlowRunQuery) -> list[FlowRunRow]: ...

    def count_flow_runs(self, query: FlowRunQuery) -> int:
        """How many runs match (limit and offset ignored)."""

    def count_flow_runs_by_state(self, query: FlowRunQuery) -> dict[str, int]:
        """How many runs match, per state type (types without runs left out): one query
        for a dashboard's counts."""

    def read_flow_run(self, run_id: str) -> FlowRunRow | None:
        """One flow run by id, or by a unique id prefix; None if none or ambiguous."""

    def read_task_runs(self, query: TaskRunQuery) -> list[TaskRunRow]: ...

    def count_task_runs(self, query: TaskRunQuery) -> int: ...

    def read_task_run(self, run_id: str) -> TaskRunRow | None: ...

    def read_states(self, run_id: str) -> list[StateRow]:
        """A flow or task run's transitions, oldest first."""

    def read_logs(self, query: LogQuery) -> list[LogRow]: ...

    # synchronous state changes
    def set_flow_run_state(
        self,
        run_id: str,
        state_type: str,
        state_name: str,
        message: str | None,
        force: bool = False,
    ) -> bool:
        """Set a flow run's state (the run row and a transition), e.g. to cancel it.

        Without `force` a run already in a final state is left alone and False returned;
        end_time is set when the new state is final. ObjectNotFound for an unknown id.
        """

    def set_task_run_state(
        self,
        run_id: str,
        state_type: str,
        state_name: str,
        message: str | None,
        force: bool = False,
    ) -> bool:
        """`set_flow_run_state` for a task run."""

    def unfinished_runs(self) -> list[tuple[str, str, str | None]]:
        """`(kind, id, process)` of every flow ("flow") and task ("task") run left Pending
        or Running (not NotReady), for crash detection."""

    def mark_crashed(self, runs: list[tuple[str, str]], message: str) -> int:
        """Mark `(kind, id)` runs Crashed (with a transition) if still unfinished; returns
        how many changed."""

    def delete_flow_run(self, run_id: str) -> bool:
        """Delete a flow run with its task runs, states and logs (child flow runs stay);
        False if there is none with this id."""

    def read_flows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The flows that have runs: `name`, `runs`, `first_run`, `last_run` (created
        times), most recently run first."""


@runtime_checkable
class BlockRepository(Protocol):
    """Block documents (encrypted), their nesting references and the key-check token."""

    def find(self, slug: str, name: str) -> BlockDocument | None: ...

    def get_by_id(self, document_id: str) -> BlockDocument | None: ...

    def list(self, slug: str | None = None, include_anonymous: bool = False) -> list[BlockDocument]:
        """Documents ordered by type slug and name."""

    def save(self, documents: list[BlockDocumentWrite], overwrite: bool) -> None:
        """Write documents (nested ones first, the named top-level one last) in one
        transaction, replacing each one's references, then drop anonymous documents no
        longer referenced. Without `overwrite`, a top-level (last) document whose
        slug/name is already saved under another id raises BlockAlreadyExists."""

    def delete(self, slug: str, name: str) -> None:
        """Delete a document; BlockNotFound if absent, BlockInUse (naming the referrers)
        while another document references it. Orphaned anonymous children go too."""

    def key_check_token(self) -> str | None:
        """The store's key-check token (a known text encrypted with the store's key), which
        tells whether a cipher is the key the documents were written with; None if unset."""

    def set_key_check_token(self, token: str) -> str:
        """Store `token` unless one is stored already (the first writer wins); returns the
        stored token."""


@runtime_checkable
class VariableRepository(Protocol):
    def get(self, name: str) -> VariableRow | None: ...

    def set(self, name: str, value: Any, tags: list[str], overwrite: bool) -> VariableRow:
        """Create or (with `overwrite`) replace; ObjectAlreadyExists otherwise."""

    def delete(self, name: str) -> bool:
        """False if there was no such variable."""

    def list(self, limit: int | None = None, offset: int = 0) -> list[VariableRow]:
        """Variables by name."""


@runtime_checkable
class ConcurrencyRepository(Protocol):
    """Global concurrency limits: leases (renewed while held, lost when they expire)
    and decaying slots (rate limits), acquired all-or-none across several limits."""

    def create(
        self, name: str, limit: int, slot_decay_per_second: float, active: bool, overwrite: bool
    ) -> LimitRow:
        """ObjectAlreadyExists unless `overwrite` (which keeps the held slots)."""

    def update(
        self,
        name: str,
        limit: int | None = None,
        slot_decay_per_second: float | None = None,
        active: bool | None = None,
    ) -> LimitRow:
        """ObjectNotFound for an unknown name."""

    def delete(self, name: str) -> None:
        """ObjectNotFound for an unknown name."""

    def reset(self, name: str) -> None:
        """Free every slot (leases and decaying slots); ObjectNotFound if unknown."""

    def list(self, name: str | None = None) -> list[LimitRow]:
        """Limits by name (just `name`, if given) with live occupancy."""

    def active_limits(self) -> dict[str, int]:
        """Active limits' names -> slots (cached by callers on the hot path)."""

    def try_acquire(
        self,
        names: list[str],
        slots: int,
        lease_id: str | None,
        holder: str,
        lease_seconds: float,
        strict: bool = False,
    ) -> Attempt:
        """Take `slots` on every active limit in `names`, all or none, without waiting.

        With `lease_id` the slots are a lease expiring after `lease_seconds` unless
        renewed; without, decaying slots (needs `slot_decay_per_second > 0`, else
        ConcurrencySlotAcquisitionError, as for more slots than the limit has). With
        `strict`, a name without a limit raises ConcurrencySlotAcquisitionError.
        """

    def release(self, lease_id: str) -> None:
        """Give a lease's slots back (on a decaying limit, as decaying slots)."""

    def renew(self, lease_ids: list[str], lease_seconds: float) -> list[str]:
        """Extend held leases; returns the ids that no longer exist (lost)."""


@runtime_checkable
class DeploymentRepository(Protocol):
    """Work pools, deployments and the flow runs made for them (scheduled or requested)."""

    # work pools
    def create_work_pool(self, name: str, type: str, overwrite: bool) -> WorkPoolRow: ...

    def read_work_pool(self, name: str) -> WorkPoolRow | None: ...

    def list_work_pools(self) -> list[WorkPoolRow]: ...

    def delete_work_pool(self, name: str) -> bool: ...

    # deployments
    def save(self, record: DeploymentRecord) -> DeploymentRecord:
        """Create or update by (flow_name, name); returns it with its id. Changing the
        schedules removes not-yet-started runs the old schedules made."""

    def read(self, deployment_id: str) -> DeploymentRecord | None: ...

    def read_by_name(self, flow_name: str, name: str) -> DeploymentRecord | None: ...

    def list(
        self, work_pool_name: str | None = None, flow_names: list[str] | None = None
    ) -> list[DeploymentRecord]:
        """By flow name, then name."""

    def delete(self, deployment_id: str) -> bool:
        """Delete it and its runs that have not started; past runs stay."""

    def set_paused(self, deployment_id: str, paused: bool) -> bool: ...

    # flow runs of deployments
    def create_flow_run(
        self,
        deployment: DeploymentRecord,
        parameters: dict[str, Any],
        scheduled_time: float,
        state: tuple[str, str, str | None] = ("SCHEDULED", "Scheduled", None),
        name: str | None = None,
        tags: list[str] | None = None,
    ) -> str:
        """A requested run (not schedule-made); returns its id."""

    def create_scheduled_runs(
        self, deployment: DeploymentRecord, slots: list[tuple[float, dict[str, Any]]]
    ) -> list[str]:
        """Runs for the given (time, parameters) slots; a slot that already has a run is
        skipped (unique per deployment and time), so concurrent schedulers agree."""

    def drop_unstarted_runs(self, deployment_id: str, requested_too: bool = False) -> int:
        """Remove the schedule-made (with `requested_too`, all) runs still Scheduled."""

    def deployment_runs(self, deployment_id: str) -> list[FlowRunRow]:
        """A deployment's runs in scheduled order."""

    def next_scheduled_time(self, deployment_ids: list[str]) -> float | None:
        """The earliest scheduled time of a Scheduled run of these deployments."""

    def skip_missed_runs(self, deployment_ids: list[str], now: float) -> int:
        """Of the schedule-made runs already due and never started, keep the latest per
        deployment and mark the older ones Cancelled; returns how many."""

    def claim_due_runs(
        self, deployment_ids: list[str], claimer: str, now: float, limit: int | None, process: str
    ) -> list[FlowRunRow]:
        """Atomically take up to `limit` Scheduled runs due by `now`, oldest first: they
        become Pending, claimed by `claimer` (worker or serve id) and owned by `process`.
        Two claimers never get the same run."""

    # workers
    def register_worker(self, worker_id: str, name: str, work_pool_name: str, pid: int) -> None: ...

    def heartbeat_worker(self, worker_id: str) -> None: ...

    def stop_worker(self, worker_id: str) -> None: ...

    def list_workers(self, work_pool_name: str | None = None) -> list[WorkerRow]: ...

    def silent_workers(self, silent_since: float) -> list[WorkerRow]:
        """Workers not stopped whose last heartbeat is older than `silent_since`."""

    def worker_unfinished_runs(self, worker_id: str) -> list[str]:
        """Ids of the Pending or Running runs a worker claimed."""


@runtime_checkable
class Store(Protocol):
    """A store backend: the repositories plus the queue of run-record writes."""

    #: what to call this store in messages: a file path or a URL without its password
    location: str
    runs: RunRepository
    blocks: BlockRepository
    variables: VariableRepository
    concurrency: ConcurrencyRepository
    deployments: DeploymentRepository
    artifacts: ArtifactRepository
    flow_run_inputs: FlowRunInputRepository
    task_queue: TaskQueueRepository

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until every queued run-record write is stored.

        False on timeout, and also while records are still unwritten (kept in the spool
        file or in memory after a failed write), so "True" means all of them are stored.
        """

    def close(self) -> None:
        """Flush, then release connections and threads."""


__all__ = [
    "FINAL_STATE_TYPES",
    "Attempt",
    "BlockDocument",
    "BlockDocumentWrite",
    "BlockRepository",
    "ConcurrencyRepository",
    "DeploymentRecord",
    "DeploymentRepository",
    "FlowRunQuery",
    "FlowRunRow",
    "LimitRow",
    "LogQuery",
    "LogRow",
    "RunRepository",
    "StateRow",
    "Store",
    "TaskRunQuery",
    "TaskRunRow",
    "VariableRepository",
    "VariableRow",
    "WorkPoolRow",
    "WorkerRow",
]


# -- events and automations (headrace.events, headrace.automations) ------------------------
class EventRow(TypedDict):
    """An event as stored: `resource` and each of `related` are label dicts; times are
    Unix seconds (`received`: when the store, or the server, got it)."""

    id: str
    occurred: float
    event: str
    resource: dict[str, str]
    related: list[dict[str, str]]
    payload: dict[str, Any]
    follows: str | None
    received: float


@dataclass
class EventQuery:
    """Which events to read. `names` and `resource_ids` are patterns: exact, or a prefix
    ending in `*`; `related_resource_ids` are exact ids of related resources (any of them).
    Bounds are inclusive Unix seconds."""

    names: list[str] | None = None
    resource_ids: list[str] | None = None
    related_resource_ids: list[str] | None = None
    occurred_after: float | None = None
    occurred_before: float | None = None
    sort: Literal["occurred_desc", "occurred_asc"] = "occurred_desc"
    limit: int | None = 200
    offset: int = 0


# -- flow run inputs and pauses (headrace.flow_runs, headrace.input) ----------------------
class FlowRunInputRow(TypedDict):
    """One input of a flow run; `value` is the JSON text as sent."""

    flow_run_id: str
    key: str
    value: str
    sender: str | None
    created: float


class PauseRow(TypedDict):
    """One pause of a flow run. `status` is "paused", "resumed" or "expired"; `reschedule`
    (a suspension) means the run's process exits and resuming re-runs it; `keyset` names
    the input keys when the pause waits for input."""

    flow_run_id: str
    pause_key: str
    status: str
    reschedule: bool
    timeout_at: float | None
    keyset: dict[str, str] | None
    created: float


@runtime_checkable
class FlowRunInputRepository(Protocol):
    """Inputs sent to flow runs, and pauses waiting to be resumed."""

    def create_input(self, flow_run_id: str, key: str, value: str, sender: str | None) -> None:
        """ObjectAlreadyExists if the run already has an input under `key`."""

    def read_input(self, flow_run_id: str, key: str) -> FlowRunInputRow | None: ...

    def filter_inputs(
        self, flow_run_id: str, key_prefix: str, limit: int, exclude_keys: list[str]
    ) -> list[FlowRunInputRow]:
        """Inputs whose key starts with `key_prefix`, oldest first."""

    def delete_input(self, flow_run_id: str, key: str) -> bool: ...

    def pause(
        self,
        flow_run_id: str,
        pause_key: str,
        reschedule: bool,
        timeout_seconds: float | None,
        keyset: dict[str, str] | None,
        set_state: bool = True,
    ) -> str:
        """Pause a Running (or Pending) flow run: the run becomes Paused (`reschedule`:
        Suspended) unless this `pause_key` was already resumed, which returns "resumed"
        (a re-run passing the same pause again). Returns "paused" otherwise. Without
        `set_state` the run's state is left to its engine, which records Suspended when
        it has stopped (so a resume cannot come before the engine's last write).
        ObjectNotFound for an unknown run; ValueError for a run that cannot pause (final,
        or a suspension of a run without a deployment)."""

    def read_pause(self, flow_run_id: str, pause_key: str) -> PauseRow | None: ...

    def expire_pause(self, flow_run_id: str, pause_key: str) -> bool:
        """A pause's timeout passed: True if it was still paused (now "expired"), False
        if it was resumed first."""

    def resume(self, flow_run_id: str, run_input: dict[str, Any] | None) -> PauseRow:
        """Resume the run's open pause, atomically: validate and store `run_input` when the
        pause waits for input (ValueError if it does not fit the schema), mark the pause
        resumed, and set the run Running (a suspension: Scheduled "Resuming", due now, for
        its deployment's workers). NotPausedError if the run is not paused;
        FlowPauseTimeout if its pause timed out."""


# -- background task runs (Task.delay, task workers) --------------------------------------
class QueuedTaskRow(TypedDict):
    """A background task run claimed by a task worker: its pickled call and which
    attempt this is (a lease that expired counts as an attempt)."""

    task_run_id: str
    task_key: str
    task_name: str
    payload: bytes
    attempts: int


class TaskOutcomeRow(TypedDict):
    """Where a background task run is: `status` "scheduled", "running", "completed",
    "failed" or "crashed"; `outcome` (final runs) is the pickled result or error."""

    task_run_id: str
    status: str
    state_name: str | None
    message: str | None
    outcome: bytes | None


@runtime_checkable
class TaskQueueRepository(Protocol):
    """Background task runs waiting for, held by, or finished on task workers. A worker
    holds a run under a lease it renews; a lease that expires puts the run back in the
    queue while it has attempts left, else the run is marked Crashed."""

    def enqueue(
        self,
        task_run_id: str,
        task_key: str,
        task_name: str,
        run_name: str,
        tags: list[str],
        payload: bytes,
        max_attempts: int,
    ) -> None:
        """Queue a run and record its task run Scheduled, in one transaction."""

    def claim(
        self, task_keys: list[str], worker: str, process: str, lease_seconds: float, limit: int
    ) -> list[QueuedTaskRow]:
        """Take up to `limit` queued runs of these task keys, oldest first (after putting
        back or crashing runs whose leases expired). No two workers get the same run."""

    def renew(self, task_run_ids: list[str], worker: str, lease_seconds: float) -> list[str]:
        """Extend this worker's leases; returns the ids it no longer holds."""

    def complete(
        self,
        task_run_id: str,
        worker: str,
        status: str,
        state_name: str,
        message: str | None,
        outcome: bytes,
    ) -> bool:
        """Store a run's outcome; False (nothing stored) if the worker lost its lease."""

    def reap(self) -> int:
        """Put back or crash the runs whose leases expired; returns how many changed."""

    def read_outcome(self, task_run_id: str) -> TaskOutcomeRow | None: ...

    def read_call(self, task_run_id: str) -> bytes | None:
        """The pickled call (parameters, wait_for, context) a run was queued with."""


__all__ += [
    "FlowRunInputRepository",
    "FlowRunInputRow",
    "PauseRow",
    "QueuedTaskRow",
    "TaskOutcomeRow",
    "TaskQueueRepository",
]


# -- artifacts -----------------------------------------------------------------------------
class ArtifactRow(TypedDict):
    """An artifact as stored: what a run published for people to read (a markdown report,
    a table, a link, a progress figure, an image URL). `data` is the decoded JSON value;
    `version` counts the artifacts of one key from 1 (None for artifacts without a key)."""

    id: str
    key: str | None
    version: int | None
    type: str | None
    description: str | None
    data: Any
    metadata: dict[str, str] | None
    flow_run_id: str | None
    task_run_id: str | None
    created: float
    updated: float


ArtifactSortKey = Literal["created_desc", "created_asc", "updated_desc", "key_asc", "key_desc"]


@dataclass
class ArtifactQuery:
    """Which artifacts to read (None fields do not filter, the rest are ANDed).

    `key_exists` True: only keyed artifacts, False: only unkeyed ones. `latest_only`
    keeps the newest version of each key (unkeyed artifacts are left out then)."""

    ids: list[str] | None = None
    keys: list[str] | None = None
    key_like: str | None = None
    key_exists: bool | None = None
    types: list[str] | None = None
    exclude_types: list[str] | None = None
    flow_run_ids: list[str] | None = None
    task_run_ids: list[str] | None = None
    latest_only: bool = False
    sort: ArtifactSortKey = "created_desc"
    limit: int | None = 200
    offset: int = 0


class WebhookRow(TypedDict):
    """A webhook: calls to `/api/hooks/<slug>` become events through `template`."""

    slug: str
    name: str
    description: str
    template: str
    enabled: bool
    created: float


class AutomationRow(TypedDict):
    """An automation as stored: its definition (`trigger`, `actions`, ... as JSON data of
    `headrace.events.schemas.automations.AutomationCore`) plus what the evaluator did."""

    id: str
    name: str
    description: str
    enabled: bool
    tags: list[str]
    trigger: dict[str, Any]
    actions: list[dict[str, Any]]
    actions_on_trigger: list[dict[str, Any]]
    actions_on_resolve: list[dict[str, Any]]
    owner_resource: str | None
    created: float
    updated: float
    fired_count: int
    last_fired: float | None
    last_error: str | None
    last_error_at: float | None


class FiringRow(TypedDict):
    """One action an automation's firing took: `status` is pending, running, done or failed."""

    id: str
    automation_id: str
    action_index: int
    action_type: str
    event_id: str | None
    fired: float
    status: str
    error: str | None
    finished: float | None


@runtime_checkable
class EventRepository(Protocol):
    """Events (queued like run records) and the webhooks that turn HTTP calls into events."""

    def record_event(
        self,
        event_id: str,
        occurred: float,
        name: str,
        resource_id: str,
        body: str,
        related_ids: str,
    ) -> None:
        """Queue an event: `body` is the JSON of `{"resource", "related", "payload",
        "follows"}`, `related_ids` the related resources' ids joined by spaces. An id
        stored before is kept once."""

    def write_events(self, events: list[EventRow]) -> int:
        """Store events now (not queued), in one transaction; returns how many were given
        (an id stored before is kept once)."""

    def read_events(self, query: EventQuery) -> list[EventRow]: ...

    def count_events(self, query: EventQuery) -> int: ...

    def save_webhook(self, webhook: WebhookRow, overwrite: bool) -> WebhookRow:
        """ObjectAlreadyExists for a taken slug unless `overwrite`."""

    def read_webhook(self, slug: str) -> WebhookRow | None: ...

    def list_webhooks(self) -> list[WebhookRow]: ...

    def delete_webhook(self, slug: str) -> bool: ...


@runtime_checkable
class AutomationRepository(Protocol):
    """Automations and the record of their firings (evaluated by a process holding the
    evaluator lease: see `headrace.automations.evaluator`)."""

    def create(self, spec: dict[str, Any]) -> AutomationRow:
        """A new automation from an `AutomationCore` dumped as JSON data."""

    def read(self, automation_id: str) -> AutomationRow | None:
        """By id or unique id prefix."""

    def list(
        self, name: str | None = None, owner_resource: str | None = None
    ) -> list[AutomationRow]:
        """By name, then creation."""

    def replace(self, automation_id: str, spec: dict[str, Any]) -> AutomationRow:
        """New definition (its trigger starts afresh); ObjectNotFound if unknown."""

    def set_enabled(self, automation_id: str, enabled: bool) -> bool:
        """False if unknown."""

    def delete(self, automation_id: str) -> bool: ...

    def delete_owned(self, owner_resource: str) -> int:
        """Delete the automations a deployment owns (its `triggers=`); returns how many."""

    def firings(self, automation_id: str, limit: int = 50) -> list[FiringRow]:
        """The automation's most recent actions first."""

    def set_work_pool_paused(self, name: str, paused: bool) -> bool:
        """Pause (workers of the pool start no runs) or resume a work pool; False if it
        already was."""

    def paused_work_pools(self) -> list[str]: ...


class LeaseLost(Exception):
    """The automation evaluator's lease passed to another process (nothing was written)."""


__all__ += [
    "AutomationRepository",
    "LeaseLost",
    "AutomationRow",
    "EventQuery",
    "EventRepository",
    "EventRow",
    "FiringRow",
    "WebhookRow",
]


@runtime_checkable
class ArtifactRepository(Protocol):
    """Artifacts of runs; each `create` with a key adds that key's next version."""

    def create(
        self,
        key: str | None,
        type: str | None,
        description: str | None,
        data: Any,
        metadata: dict[str, str] | None,
        flow_run_id: str | None,
        task_run_id: str | None,
    ) -> ArtifactRow:
        """Store a new artifact (the next version of `key`) and return it."""

    def read(self, artifact_id: str) -> ArtifactRow | None:
        """One artifact by id or unique id prefix; None if none or ambiguous."""

    def update(
        self,
        artifact_id: str,
        data: Any,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> ArtifactRow:
        """Replace the data (and the description and metadata when given); ObjectNotFound
        for an unknown id."""

    def delete(self, artifact_id: str) -> bool:
        """False if there was no such artifact."""

    def list(self, query: ArtifactQuery) -> list[ArtifactRow]: ...

    def count(self, query: ArtifactQuery) -> int:
        """How many match (limit and offset ignored)."""


__all__ += ["ArtifactQuery", "ArtifactRepository", "ArtifactRow", "ArtifactSortKey"]
