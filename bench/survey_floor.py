"""The floor for survey estimates: one numpy pass over the answers, in a fresh process.

    python -m bench.survey_floor SURVEY.csv

For every variable, category and domain (national, region, sex, age group): the weighted
proportion and its Taylor-linearised standard error (PSUs within strata, with replacement),
computed the most direct way, with none of what a published mart needs (determinism across
runs, lonely-PSU rules, intervals, labels, an output table). Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def main(argv: list[str]) -> int:
    import pyarrow.csv as pacsv

    from bench.generate import MISSING_CODES, VARIABLES

    table = pacsv.read_csv(argv[0])
    started = time.perf_counter()
    weight = table["weight"].to_numpy()
    strata = np.unique(table["stratum"].to_numpy(zero_copy_only=False), return_inverse=True)[1]
    psu = table["psu"].to_numpy().astype(np.int64)
    age = table["age"].to_numpy()
    domains = {"national": np.zeros(len(weight), dtype=np.int64),
               "region": np.unique(table["region"].to_numpy(), return_inverse=True)[1],
               "sex": table["sex"].to_numpy().astype(np.int64) - 1,
               "age_group": np.digitize(age, [30, 45, 60])}
    n_psu = np.bincount(np.unique(strata * (psu.max() + 1) + psu) // (psu.max() + 1))
    cells = 0
    for variable in VARIABLES:
        code = table[variable].to_numpy()
        valid = ~np.isin(code, list(MISSING_CODES))
        for ids in domains.values():
            d, c, w, p_, h = ids[valid], code[valid] - 1, weight[valid], psu[valid], strata[valid]
            D = d.max() + 1
            a = np.bincount(d * 5 + c, weights=w, minlength=D * 5).reshape(D, 5)
            total = a.sum(axis=1)
            p = a / total[:, None]
            group, inverse = np.unique(d * (psu.max() + 1) + p_, return_inverse=True)
            g_dom = group // (psu.max() + 1)
            g_str = np.zeros(len(group), dtype=np.int64)
            g_str[inverse] = h
            a_g = np.zeros((len(group), 5))
            np.add.at(a_g, (inverse, c), w)
            z = (a_g - p[g_dom] * a_g.sum(axis=1)[:, None]) / total[g_dom][:, None]
            key = g_dom * (strata.max() + 1) + g_str
            cell, cinv = np.unique(key, return_inverse=True)
            nh = n_psu[cell % (strata.max() + 1)][:, None].astype(float)
            s1 = np.zeros((len(cell), 5))
            np.add.at(s1, cinv, z)
            s2 = np.zeros((len(cell), 5))
            np.add.at(s2, cinv, z * z)
            contribution = np.where(nh > 1, nh / np.maximum(nh - 1, 1) * (s2 - s1 ** 2 / nh), 0)
            v = np.zeros((D, 5))
            np.add.at(v, cell // (strata.max() + 1), contribution)
            cells += int(np.isfinite(np.sqrt(np.maximum(v, 0))).sum())
    print(json.dumps({"compute_s": time.perf_counter() - started, "cells": cells}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
