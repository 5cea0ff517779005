"""Design weights calibrated (raked) to the registry's population margins: region x sex and
age group (flows/kinds/survey/raking.py does the fitting).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ahual.flows.kinds.survey.raking import rake
from ahual.flows.kinds.survey.registry import population_margins
from ahual.flows.problems import InputRejected, Problem

MAX_WEIGHT = 1e10  # no respondent stands for more people than there are (expectations/survey.json)


def raked(respondents: pd.DataFrame, margins_name: str, file_name: str) -> pd.Series:
    """Design weights raked to the population's region x sex and age-group shares (those with
    weight 0 stay 0); left empty when the respondent data are invalid anyway (the suite
    rejects the file then)."""
    weight = respondents["weight"]
    usable = (weight.notna().all() and (weight >= 0).all() and (weight <= MAX_WEIGHT).all()
              and (weight > 0).any() and respondents["region_code"].notna().all()
              and respondents["sex"].notna().all() and respondents["age_group"].notna().all())
    if not usable:
        return pd.Series(np.nan, index=respondents.index)
    population = population_margins(margins_name)
    region_sex = population.query("margin == 'region_sex'")
    age = population.query("margin == 'age_group'")
    total = region_sex["population"].sum()
    margins = {
        "region_sex": pd.Series(region_sex["population"].to_numpy() / total,
                                index=region_sex["region_code"] + "|" + region_sex["sex"]),
        "age_group": pd.Series(age["population"].to_numpy() / age["population"].sum(),
                               index=age["age_group"]),
    }
    carrying = respondents.loc[weight > 0]
    frame = pd.DataFrame({"weight": carrying["weight"],
                          "region_sex": carrying["region_code"] + "|" + carrying["sex"],
                          "age_group": carrying["age_group"]})
    present = {k: m[m.index.isin(frame[k])] for k, m in margins.items()}
    present = {k: m / m.sum() for k, m in present.items()}  # a study may cover part of the country
    try:
        raked = rake(frame, "weight", present)
    except ValueError as exc:
        raise InputRejected([Problem(file_name, "weights calibrate to population margins",
                                     f"raking to {margins_name} failed: {exc}")]) from exc
    return raked.reindex(respondents.index, fill_value=0.0)
