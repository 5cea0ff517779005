"""Checking a received file: its kind parses it, its kind's GX suite judges the parsed rows.

The rows come back only if every rule holds. Whatever goes wrong while reading a file (a
parser's own refusal, or any error a reader library raises on hostile bytes) is a refusal with
a reason, never a crash: one bad file must not stop the others. The files of a run are all
parsed first, then the files of one kind are validated together (`together`: one GX run per
kind), each keeping its own outcome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ahual.flows.gate.files import Candidate
from ahual.flows.kinds.base import Parsed
from ahual.flows.problems import InputRejected, Problem, shown

log = logging.getLogger("ahual")


@dataclass
class Checked:
    candidate: Candidate
    parsed: Parsed | None  # None: refused
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    data_docs: str | None = None


def check(candidate: Candidate) -> Checked:
    """Parse and validate one file."""
    return check_all([candidate])[0]


def check_all(candidates: list[Candidate]) -> list[Checked]:
    """Parse every file, then validate them: the files of one kind together, in one GX run
    (`together`), each keeping its own outcome, stored result and Data Docs page."""
    read = [_parse(candidate) for candidate in candidates]
    parsed = [c for c in read if c.parsed is not None]
    if not parsed:
        return read
    # GX only once a file must be validated
    from ahual.flows.gate.together import Item, validate_together

    items = [(checked, Item(frame, suite, checked.candidate.path.name,
                            checked.candidate.kind.name, checked.candidate.sha256))
             for checked in parsed for suite, frame in checked.parsed.checks]
    for (checked, _), outcome in zip(items, validate_together([i for _, i in items]),
                                     strict=True):
        checked.problems += outcome.problems
        checked.warnings += outcome.warnings
        checked.data_docs = outcome.data_docs or checked.data_docs
    for checked in parsed:
        if checked.problems:
            checked.parsed = None
    return read


def _parse(candidate: Candidate) -> Checked:
    """The file parsed (its checks still to run), or its refusal."""
    name = candidate.path.name
    try:
        parsed = candidate.kind.parse(candidate.path, candidate.options)
    except InputRejected as refused:
        return Checked(candidate, None, refused.problems)
    except MemoryError:
        return Checked(candidate, None, [Problem(name, "file readable", "the file is too "
                                                 "large to read in the memory available")])
    except (NameError, ImportError, SyntaxError, AssertionError):
        raise  # Ahual's own bug: it must not pass for a bad file
    except Exception as error:  # a reader library's own error on hostile bytes
        log.debug("reading %s failed", name, exc_info=True)
        return Checked(candidate, None, [Problem(
            name, "file readable", f"the file cannot be read ({type(error).__name__}: "
            f"{shown(error)})")])
    return Checked(candidate, parsed, [], list(parsed.warnings))
