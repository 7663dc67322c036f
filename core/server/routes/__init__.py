"""API routers, one module per part of the store; `headrace.server.app` mounts them at /api."""
