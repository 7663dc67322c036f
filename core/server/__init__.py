"""The headrace server: a REST API under `/api` and the web UI at `/`, over one store.

Only `headrace server start` (and tests) import this package; `import headrace` never
does, so flows that do not use the server pay nothing for FastAPI or uvicorn.
"""
