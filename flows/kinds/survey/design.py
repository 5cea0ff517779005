"""The sample design as the registry declares it: which design column a respondent lacks, and
the strata with a single PSU (refused or noted as the registry's lonely_psu says).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ahual.flows.kinds.survey.registry import DESIGN_COLUMNS
from ahual.flows.problems import Problem, shown

SHOWN_IN_SUMMARY = 20  # names listed in a warning; the count says the rest


def design_missing(respondents: pd.DataFrame, study: dict) -> pd.Series:
    """Per respondent: which design column the registry's design needs is empty (or None)."""
    needed = DESIGN_COLUMNS[study["design"]]
    empty = {role: respondents[role].isna().to_numpy() for role in needed}
    verdict = np.full(len(respondents), None, dtype=object)
    anything = np.zeros(len(respondents), dtype=bool)
    for role in needed:
        anything |= empty[role]
    for position in np.flatnonzero(anything):
        which = " and no ".join(role for role in needed if empty[role][position])
        verdict[position] = (f"no {which} (the registry's design of {study['study_id']} is "
                             f"{study['design']})")
    return pd.Series(verdict, index=respondents.index, dtype=object)


def lonely_strata(respondents: pd.DataFrame, study: dict, file_name: str
                   ) -> tuple[list[str], list[Problem]]:
    """Strata with a single PSU (every respondent counts, weight 0 too, as R's survey counts
    them): their names, and the refusal when the registry's rule is `fail`."""
    needed = DESIGN_COLUMNS[study["design"]]
    stratum = (respondents["stratum"] if "stratum" in needed
               else pd.Series("", index=respondents.index))
    if "psu" in needed:
        psu = respondents["psu"]
    else:  # every respondent is its own PSU
        psu = pd.Series(np.arange(len(respondents)), index=respondents.index)
    known = stratum.notna() & psu.notna()
    if not known.any():
        return [], []
    s_codes, s_names = pd.factorize(stratum[known], sort=True)
    p_codes, _ = pd.factorize(psu[known])
    pairs = np.unique(s_codes.astype(np.int64) * (p_codes.max() + 1) + p_codes)
    per_stratum = np.bincount(pairs // (p_codes.max() + 1), minlength=len(s_names))
    lonely = [str(s) for s in np.asarray(s_names, dtype=object)[per_stratum == 1]]
    if not lonely or study["lonely_psu"] != "fail":
        return lonely, []
    return lonely, [Problem(
        file_name, "no single-PSU strata (lonely_psu = fail)",
        f"{_some(lonely)} {'has' if len(lonely) == 1 else 'have'} a single PSU, and the "
        f"registry's lonely_psu for {study['study_id']} is fail: no variance can be estimated "
        "for a stratum with one PSU. Send a file whose strata have two PSUs or more, or register "
        "another rule (datasets/reference/studies/README.md)")]


def _some(strata: list[str]) -> str:
    more = len(strata) - SHOWN_IN_SUMMARY
    names = ", ".join(f"«{shown(s, 40)}»" for s in strata[:SHOWN_IN_SUMMARY])
    return f"stratum {names}" if len(strata) == 1 else (
        f"{len(strata)} strata ({names}{f' and {more} more' if more > 0 else ''})")


def lonely_note(lonely: list[str], study: dict) -> str:
    if study["design"] in ("simple", "clustered"):
        return (f"the whole sample is a single PSU: its variance follows lonely_psu = "
                f"{study['lonely_psu']}")
    return (f"{_some(lonely)} {'has' if len(lonely) == 1 else 'have'} a single PSU: "
            f"{'its' if len(lonely) == 1 else 'their'} variance follows lonely_psu = "
            f"{study['lonely_psu']} (datasets/reference/studies/README.md)")
