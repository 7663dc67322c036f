"""The HTTP store backend: `headrace.store.interface.Store` spoken to a headrace server.

`get_store()` opens it when `HEADRACE_API_URL` is set. Run records are shipped in
batches by a background thread (`_shipper`); every other call is one request on a
keep-alive connection (`_transport`); `_client` holds the repositories.
"""

from headrace.store.http._client import HttpStore
from headrace.store.http._transport import ServerError, ServerUnavailable

__all__ = ["HttpStore", "ServerError", "ServerUnavailable"]
