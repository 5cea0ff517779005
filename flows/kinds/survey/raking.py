"""Raking: iterative proportional fitting of survey weights to known population margins.

Each margin maps the categories of one frame column to a population total or a share, e.g.
``{"region_sex": totals_by_region_and_sex, "age_group": shares_by_age_group}``. A margin that
sums to 1 (within 1e-6) is taken as shares and is scaled to the population total given by the
other margins; when every margin is shares, the total is the sample size, so the raked weights
average 1. Totals given by several margins must agree, since no weights can meet margins of
different sizes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHARE_TOLERANCE = 1e-6


def rake(frame: pd.DataFrame, weight: str, margins: dict[str, pd.Series], *,
         max_iter: int = 100, tol: float = 1e-10) -> pd.Series:
    """Weights that reproduce every margin, starting from `frame[weight]`.

    Returns a Series aligned with `frame` and named `weight`, summing to the population total
    (to `len(frame)` when all margins are shares). Raises ValueError naming the variable and
    category when a margin category has no respondents, when a respondent's category is not in
    its margin, or when the margins are not met to `tol` (relative) after `max_iter` cycles.
    """
    w = frame[weight].to_numpy(dtype=float, copy=True)
    if len(w) == 0 or not margins:
        raise ValueError("raking needs respondents and at least one margin")
    if not np.isfinite(w).all() or (w <= 0).any():
        raise ValueError(f"weight column {weight!r} must be finite and > 0 to be raked")

    sums = {var: float(margin.sum()) for var, margin in margins.items()}
    totals = {var: s for var, s in sums.items() if abs(s - 1) > SHARE_TOLERANCE}
    population = next(iter(totals.values()), float(len(w)))
    for var, total in totals.items():
        if abs(total - population) > 1e-9 * population:
            raise ValueError(f"margins disagree on the population total: {var!r} sums to "
                             f"{total:g}, {next(iter(totals))!r} to {population:g}")

    # Per margin: each respondent's category position (codes) and the target per category.
    fitted = []
    for var, margin in margins.items():
        if var not in frame:
            raise ValueError(f"margin {var!r} has no column in the frame")
        if margin.index.has_duplicates or not np.isfinite(margin.to_numpy(float)).all() \
                or (margin < 0).any():
            raise ValueError(f"margin {var!r} must have unique categories and finite values >= 0")
        target = margin.to_numpy(float) * (population if var not in totals else 1.0)
        codes = margin.index.get_indexer(frame[var])  # -1: not in the margin (or null)
        if (codes < 0).any():
            strays = frame.loc[codes < 0, var].drop_duplicates().head(5).tolist()
            raise ValueError(f"variable {var!r}: respondents in categories its margin does not "
                             f"list: {strays}")
        counts = np.bincount(codes, minlength=len(margin))
        for category, n, t in zip(margin.index, counts, target, strict=True):
            if n == 0 and t > 0:
                raise ValueError(f"variable {var!r}, category {category!r}: no respondents to "
                                 f"carry its population {t:g}")
            if n > 0 and t == 0:
                raise ValueError(f"variable {var!r}, category {category!r}: population 0 but "
                                 f"{n} respondents (their weights would become 0)")
        fitted.append((var, margin.index, codes, target))

    def worst_miss():
        """(relative miss, variable, category) of the margin cell furthest from its target."""
        misses = []
        for var, categories, codes, target in fitted:
            reached = np.bincount(codes, weights=w, minlength=len(target))
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(target > 0, np.abs(reached - target) / target, 0.0)
            k = int(rel.argmax())
            misses.append((float(rel[k]), var, categories[k]))
        return max(misses, key=lambda m: m[0])

    for _ in range(max_iter):
        for _var, _categories, codes, target in fitted:
            reached = np.bincount(codes, weights=w, minlength=len(target))
            # empty zero-target categories have reached = 0: leave their (absent) weights alone
            factor = np.divide(target, reached, out=np.ones_like(target), where=reached > 0)
            w *= factor[codes]
        miss, var, category = worst_miss()
        if miss <= tol:
            return pd.Series(w, index=frame.index, name=weight)
    raise ValueError(f"raking did not converge in {max_iter} iterations: variable {var!r}, "
                     f"category {category!r} is still off by {miss:.2e} (relative); the margins "
                     "may contradict each other or a category combination may be too sparse")
