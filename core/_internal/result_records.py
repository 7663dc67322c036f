"""Prefect's `_internal.result_records`: the record classes live in `headrace.results`."""

from headrace.results import ResultRecord, ResultRecordMetadata

__all__ = ["ResultRecord", "ResultRecordMetadata"]
