"""`headrace migrate` rules for prefect-email code, one module per rule, registered through
the plugin hook (`RULES`)."""

from headrace_email.migrate.prefect_email import EmailTasks2x

RULES = (EmailTasks2x,)

__all__ = ["RULES", "EmailTasks2x"]
