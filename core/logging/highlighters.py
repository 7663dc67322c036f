"""Colour for console log lines (rich): levels, URLs, run states and run names.

Each pattern names a group; rich styles the match with `log.<group>`, so a logging file's
console handler chooses the colours (`styles: {log.failed_state: red3, ...}`). Only used
when the console is a terminal: piped output stays plain text.
"""

from __future__ import annotations

from rich.highlighter import RegexHighlighter

_STATES = ("Completed", "Failed", "Crashed", "Cancelled", "Cancelling", "Running", "Pending")
_URL_CHARS = r"[\w$\-+!`(),.?/;:&=%#~@]"


class PrefectConsoleHighlighter(RegexHighlighter):
    """Marks log levels, web and file URLs, state names and quoted flow/task (run) names."""

    base_style = "log."
    highlights: list[str] = [  # noqa: RUF012 - rich reads the class attribute
        r"\b(?P<debug_level>DEBUG)\b",
        r"\b(?P<info_level>INFO)\b",
        r"\b(?P<warning_level>WARNING)\b",
        r"\b(?P<error_level>ERROR)\b",
        r"\b(?P<critical_level>CRITICAL)\b",
        rf"(?P<web_url>(?:https?|wss?)://{_URL_CHARS}*)",
        rf"(?P<local_url>file://{_URL_CHARS}*)",
        *(rf"\b(?P<{state.lower()}_state>{state})\b" for state in _STATES),
        r"\b(?P<cached_state>Cached)(?=\(type=COMPLETED\))",
        r"(?i)(?<=flow run )(?P<flow_run_name>'[^']*')",
        r"(?i)(?<=task run )(?P<task_run_name>'[^']*')",
        r"(?i)(?<=flow )(?P<flow_name>'[^']*')",
        r"(?i)(?<=task )(?P<task_name>'[^']*')",
    ]


__all__ = ["PrefectConsoleHighlighter"]
