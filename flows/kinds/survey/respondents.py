"""Who each respondent is, as the raking and the GX suite need it: sex by the contract's
aliases, the age group (from an age in years or an age range), and the weight as a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ahual.flows.kinds.survey.labels import age_group_name, age_range, year_groups
from ahual.flows.kinds.survey.read import Microdata
from ahual.flows.kinds.survey.text import as_text
from ahual.flows.reading.vocabulary import normalise_label
from ahual.flows.resources import contract


def read_sex(micro: Microdata, roles: dict, labels: dict) -> tuple[pd.Series, pd.Series]:
    n = micro.rows
    if "sex" not in roles:
        return pd.Series(None, index=range(n), dtype=object), pd.Series("", index=range(n))
    text = as_text(micro.column(roles["sex"]), labels.get(roles["sex"]))
    known = {normalise_label(alias): sex for sex, aliases in contract("survey")["sex_values"]
             .items() for alias in aliases}
    codes, distinct = pd.factorize(text)  # empty cells get code -1
    sex = np.array([known.get(normalise_label(t)) for t in distinct] + [None], dtype=object)
    return pd.Series(sex[codes], dtype=object), text.fillna("")


def read_age(micro: Microdata, roles: dict, labels: dict, study: dict
         ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(age group, the age as given, why it is not understood or None) per respondent.

    Age in completed years is grouped by the contract's groups fitted to the study's ages; an
    age group (text, or a code whose label is a range) keeps its own range, named "18-29" or
    "60+", and must lie within the study's ages."""
    n = micro.rows
    low_age, high_age = int(study["age_min"]), int(study["age_max"])
    span = f"{low_age}-{high_age}"
    none = pd.Series(None, index=range(n), dtype=object)
    if "age" in roles:
        values = micro.column(roles["age"])
        text = as_text(values).fillna("")
        age = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
        groups = year_groups(contract("survey")["age_groups"], low_age, high_age)
        which = np.full(n, len(groups))  # no group: the None after the names
        for i, (_, low, high) in enumerate(groups):
            which[(age >= low) & (age <= high) & (age % 1 == 0)] = i
        group = pd.Series(np.array([g[0] for g in groups] + [None], dtype=object)[which])
        why = pd.Series(None, index=range(n), dtype=object)
        odd = np.flatnonzero((which == len(groups)) & (text != "").to_numpy())
        why.iloc[odd] = [f"age «{t}» is not a whole number of years within the study's ages "
                         f"{span}" for t in text.iloc[odd]]
        return group, text, why
    if "age_group" in roles:
        text = as_text(micro.column(roles["age_group"]), labels.get(roles["age_group"]))
        codes, distinct = pd.factorize(text)
        named, reasons = [], []
        for label in distinct:
            found = age_range(label)
            if found is None:
                named.append(None)
                reasons.append(f"age group «{label}» is not an age range such as 18-29 or 60+")
            elif found[0] < low_age or (found[1] if found[1] is not None else high_age) > high_age:
                named.append(None)
                reasons.append(f"age group «{label}» is not within the study's ages {span}")
            else:
                named.append(age_group_name(*found))
                reasons.append(None)
        group = pd.Series(np.array(named + [None], dtype=object)[codes], dtype=object)
        why = pd.Series(np.array(reasons + [None], dtype=object)[codes], dtype=object)
        return group, text.fillna(""), why
    return none, pd.Series("", index=range(n)), none.copy()


def read_weight(micro: Microdata, roles: dict, study: dict) -> pd.Series:
    if study["weights"] == "none":
        return pd.Series(1.0, index=range(micro.rows))
    values = micro.column(roles["weight"])
    if not pd.api.types.is_numeric_dtype(values.dtype):
        values = values.astype(object).where(values.notna(), None)
        values = values.map(lambda v: v.strip().replace(",", ".") if isinstance(v, str) else v)
    weight = pd.to_numeric(values, errors="coerce").astype("float64")
    return weight.where(np.isfinite(weight))
