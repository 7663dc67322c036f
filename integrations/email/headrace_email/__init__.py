"""Email for headrace: SMTP server credentials, a send task and a notification block."""

from importlib.metadata import version

from headrace.utilities.lazy import lazy_exports

__version__ = version("headrace-email")  # written once, in pyproject.toml

# names resolve on first use, so finding this plugin imports nothing heavy
__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "EmailNotification": "headrace_email.notification",
        "EmailServerCredentials": "headrace_email.credentials",
        "SMTPServer": "headrace_email.credentials",
        "SMTPType": "headrace_email.credentials",
        "email_send_message": "headrace_email.message",
    },
)
