"""Prefect's abstract block bases at Prefect's path (`prefect.blocks.abstract`), for
plugin and library authors who subclass them: `CredentialsBlock` and the
notification-block interface (defined in `headrace.blocks.notifications`)."""

from __future__ import annotations

import logging
from abc import abstractmethod
from typing import Any

from headrace.blocks.core import Block
from headrace.blocks.notifications import NotificationBlock, NotificationError

__all__ = ["CredentialsBlock", "NotificationBlock", "NotificationError"]


class CredentialsBlock(Block):
    """Credentials for an external system that hand out a client for it (`get_client`)."""

    @property
    def logger(self) -> logging.Logger | logging.LoggerAdapter:
        """The run's logger inside a flow or task run, else one named after the class."""
        from headrace.exceptions import MissingContextError
        from headrace.logging import get_run_logger

        try:
            return get_run_logger()
        except MissingContextError:
            return logging.getLogger(f"headrace.blocks.{type(self).__name__}")

    @abstractmethod
    def get_client(self, *args: Any, **kwargs: Any) -> Any:
        """A client for the external system."""
