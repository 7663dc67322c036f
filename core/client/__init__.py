"""The client API: `get_client()` reads and changes runs, deployments, variables and
blocks through the store interface, locally or through a headrace server."""

from headrace.client.orchestration import PrefectClient, SyncPrefectClient, get_client

__all__ = ["PrefectClient", "SyncPrefectClient", "get_client"]
