"""Sort orders of `get_client()` reads, with Prefect's member names."""

from __future__ import annotations

from enum import Enum


class FlowRunSort(str, Enum):
    ID_DESC = "ID_DESC"
    START_TIME_ASC = "START_TIME_ASC"
    START_TIME_DESC = "START_TIME_DESC"
    EXPECTED_START_TIME_ASC = "EXPECTED_START_TIME_ASC"
    EXPECTED_START_TIME_DESC = "EXPECTED_START_TIME_DESC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    NEXT_SCHEDULED_START_TIME_ASC = "NEXT_SCHEDULED_START_TIME_ASC"
    END_TIME_DESC = "END_TIME_DESC"


class TaskRunSort(str, Enum):
    ID_DESC = "ID_DESC"
    EXPECTED_START_TIME_ASC = "EXPECTED_START_TIME_ASC"
    EXPECTED_START_TIME_DESC = "EXPECTED_START_TIME_DESC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    NEXT_SCHEDULED_START_TIME_ASC = "NEXT_SCHEDULED_START_TIME_ASC"
    END_TIME_DESC = "END_TIME_DESC"


class LogSort(str, Enum):
    TIMESTAMP_ASC = "TIMESTAMP_ASC"
    TIMESTAMP_DESC = "TIMESTAMP_DESC"


class DeploymentSort(str, Enum):
    CREATED_DESC = "CREATED_DESC"
    UPDATED_DESC = "UPDATED_DESC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"


class VariableSort(str, Enum):
    CREATED_DESC = "CREATED_DESC"
    UPDATED_DESC = "UPDATED_DESC"
    NAME_DESC = "NAME_DESC"
    NAME_ASC = "NAME_ASC"


class ArtifactSort(str, Enum):
    CREATED_DESC = "CREATED_DESC"
    UPDATED_DESC = "UPDATED_DESC"
    ID_DESC = "ID_DESC"
    KEY_DESC = "KEY_DESC"
    KEY_ASC = "KEY_ASC"


class ArtifactCollectionSort(str, Enum):
    CREATED_DESC = "CREATED_DESC"
    UPDATED_DESC = "UPDATED_DESC"
    ID_DESC = "ID_DESC"
    KEY_DESC = "KEY_DESC"
    KEY_ASC = "KEY_ASC"


#: the store's order for each artifact sort (ids are random, so ID_DESC is by creation)
ARTIFACT_SORTS = {
    "CREATED_DESC": "created_desc",
    "UPDATED_DESC": "updated_desc",
    "ID_DESC": "created_desc",
    "KEY_DESC": "key_desc",
    "KEY_ASC": "key_asc",
}


#: the store's order for each run sort (the next scheduled start is the expected one)
RUN_SORTS = {
    "ID_DESC": "id_desc",
    "START_TIME_ASC": "start_time_asc",
    "START_TIME_DESC": "start_time_desc",
    "EXPECTED_START_TIME_ASC": "expected_start_time_asc",
    "EXPECTED_START_TIME_DESC": "expected_start_time_desc",
    "NAME_ASC": "name_asc",
    "NAME_DESC": "name_desc",
    "NEXT_SCHEDULED_START_TIME_ASC": "expected_start_time_asc",
    "END_TIME_DESC": "end_time_desc",
}

__all__ = [
    "ArtifactCollectionSort",
    "ArtifactSort",
    "DeploymentSort",
    "FlowRunSort",
    "LogSort",
    "TaskRunSort",
    "VariableSort",
]
