"""Progress and results an analyst can see: a line on the terminal and in the Prefect run log."""

from __future__ import annotations

import logging

from prefect.exceptions import MissingContextError
from prefect.logging import get_run_logger


def say(message: str) -> None:
    print(message, flush=True)
    try:
        get_run_logger().info(message)
    except MissingContextError:
        logging.getLogger("ahual").info(message)
