"""The comparison of the old fixed rule and the negative binomial rule of
marts.monitoring_warnings (monitoring_warnings.comparison.md), written from a built warehouse by
`python -m ahual.warehouse.marts.monitoring_warnings`: both rules on the loaded rounds, and on
rounds simulated with their rates, spreads and populations (comparison.py).

Its words are comparison.template.md's; whether the rounds are made up is read from the loads.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

from ahual.warehouse.marts.monitoring_warnings import query
from ahual.warehouse.marts.monitoring_warnings.comparison import (
    Profile,
    compare_rules,
    comparison_table,
)

TEMPLATE = Path(__file__).with_name("comparison.template.md")
DATASETS = 60  # simulated sets of rounds per indicator
LARGER = ("ADMIN_CASES", 10)  # also simulated at 10 times its rate: the old rule by count size


def loaded_table(con) -> str:
    """Both rules on what was loaded (marts.monitoring_warnings), round by round, and every cell
    either rule flags or watches, as markdown."""
    rounds = con.sql(query("comparison_rounds")).fetchall()
    cells = con.sql(query("comparison_cells")).fetchall()
    lines = ["| round | cells judged | old rule | warning (p < 0.001) | watch (p < 0.025) |",
             "|---|---|---|---|---|"]
    lines += [f"| {r} | {n} | {fixed} | {warning} | {watch} |"
              for r, n, fixed, warning, watch in rounds]
    lines += ["", "| round | region | indicator | value | expected | p | new rule | old rule |",
              "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r} | {region} | {indicator} | {value:g} | {expected:.2f} | {p:.3g} | {level} | "
              f"{'flag' if fixed else ''} |"
              for r, region, indicator, value, expected, p, level, fixed in cells]
    return "\n".join(lines)


def comparison_document(con, datasets: int = DATASETS) -> str:
    """The whole comparison as markdown (TEMPLATE filled in from the warehouse)."""
    populations = dict(con.sql(query("comparison_populations")).fetchall())
    profiles = [Profile(i, rate / 1e5, alpha)
                for i, rate, alpha in con.sql(query("comparison_profiles")).fetchall()]
    indicator, times = LARGER
    larger = next(p for p in profiles if p.indicator == indicator)
    profiles.append(Profile(f"{indicator} x{times}", larger.rate * times, larger.alpha))
    rounds, some, every = con.sql(query("comparison_origins")).fetchall()[0]
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        loaded=loaded_table(con), rounds=rounds, datasets=datasets,
        made_up=" (made-up figures)" if every else " (partly made-up figures)" if some else "",
        simulated=comparison_table(compare_rules(populations, profiles, datasets)))
