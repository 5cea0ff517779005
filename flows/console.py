"""What an analyst sees while Ahual works: lines on the terminal (coloured when it is one, plain
when it is not), one progress bar for long work, and the same lines in the Prefect run log.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

log = logging.getLogger("ahual")

STDOUT_IS_DATA = False  # --json: stdout carries the data, the lines go to stderr
STYLES = {"loaded": "green", "unchanged": "dim", "REJECTED": "bold red", "waiting": "yellow",
          "refused": "bold red", "warning": "yellow"}


def console(err: bool = False):
    """A rich console on the current stdout (or stderr): colour only when it is a terminal.
    Made per call, so it follows streams that tests and the CLI swap."""
    stream = sys.stderr if err or STDOUT_IS_DATA else sys.stdout
    # piped or redirected, a table is as wide as its text (rich would cut it at 80 columns)
    width = None if getattr(stream, "isatty", lambda: False)() else 10_000
    return Console(file=stream, highlight=False, soft_wrap=True, width=width)


def say(message: str, style: str | None = None, err: bool = False) -> None:
    """A line for the analyst, and for the Prefect run log when inside a run."""
    first = message.split(" ", 1)[0]
    style = style or STYLES.get(first)
    text = escape(message)
    console(err).print(f"[{style}]{text}[/]" if style else text)
    _run_log(message)


def _run_log(message: str) -> None:
    if "prefect" not in sys.modules:  # no run without Prefect; never import it just to log
        return
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    try:
        get_run_logger().info(message)
    except MissingContextError:
        log.info(message)


@contextmanager
def progress(description: str) -> Iterator:
    """One bar for long work on a terminal; the work calls `advance(label, i, n)` after step i
    of n. Off a terminal nothing is printed per step (a summary follows)."""
    out = console()
    if not out.is_terminal:
        yield lambda label, i, n: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[label]}", style="dim"), console=out,
                  transient=True) as bar:
        task = bar.add_task(description, total=None, label="")

        def advance(label: str, i: int, n: int) -> None:
            bar.update(task, completed=i, total=n, label=label)

        yield advance
