"""The help screens: a flag is shown as a flag.

typer 0.29 prints a type beside every option, `--version <bool>` as if it took a value; a flag
takes none, so its type column is left empty (the help option's too, made here once).
"""

from __future__ import annotations

HELP_NAMES = ["-h", "--help"]


def flags_without_type(command) -> None:
    """Clear the shown type of every flag of `command` and its sub-commands."""
    context = command.context_class(command, help_option_names=HELP_NAMES)
    for param in [*command.params, command.get_help_option(context)]:
        if param is not None and getattr(param, "is_flag", False):
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        flags_without_type(sub)
