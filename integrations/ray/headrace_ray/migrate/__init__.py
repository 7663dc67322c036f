"""`headrace migrate` rules for prefect-ray code, one module per rule, registered through the
plugin hook (`RULES`)."""

from headrace_ray.migrate.futures import RayFutures2x

RULES = (RayFutures2x,)

__all__ = ["RULES", "RayFutures2x"]
