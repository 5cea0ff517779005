"""Checking a received file: its kind parses it, its kind's GX suite judges the parsed rows.

The rows come back only if every rule holds. Whatever goes wrong while reading a file (a
parser's own refusal, or any error a reader library raises on hostile bytes) is a refusal with
a reason, never a crash: one bad file must not stop the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ahual.gate.files import Candidate
from ahual.kinds.base import Parsed
from ahual.problems import InputRejected, Problem, shown

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
    from ahual.gate.validation import validate  # GX only once a file must be validated

    problems, warnings, docs = [], list(parsed.warnings), None
    for suite, frame in parsed.checks:
        outcome = validate(frame, suite, name, kind=candidate.kind.name,
                           sha256=candidate.sha256)
        problems += outcome.problems
        warnings += outcome.warnings
        docs = outcome.data_docs or docs
    return Checked(candidate, None if problems else parsed, problems, warnings, docs)
