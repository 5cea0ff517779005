"""marts.monitoring_warnings: early warnings that know about noise. For every count indicator of
the monitoring scheme whose rise is a warning sign (liquidations, conflicts, administrative and
criminal cases: counts during the round), every round and region: the count expected from the
region's own earlier rounds and the national rate per population, how improbable the reported
count is (negative binomial control limits; control_limits.py beside this says how) and its level:
warning, or watch, the lesser level. This mart is where every early warning Ahual shows comes
from (level = 'warning'). Beside it, for comparison only, whether the old fixed rule (>= 1.5
times and >= 3 above the region's earlier mean) would flag the cell (`fixed_rule_warning`; it
warns of nothing). A Python model, this folder: the fits are statsmodels' (control_limits.py);
its input, the population and the old rule's flag are the SQL of values.sql; comparison.py and
document.py compare the two rules (monitoring_warnings.comparison.md).

Population: the official figure nearest the round's first day (exact, final or revised, within
366 days; census first on a tie), the rule of marts.registration_rates and
marts.monitoring_index_items.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ahual.warehouse.marts.monitoring_warnings import control_limits as cl

# what values.sql beside this file reads (the runner orders by it)
READS = ("marts.monitoring_indicators", "staging.stg_indicators",
         "staging.stg_monitoring_rounds", "core.population_nearest")

SCHEMA = pa.schema([
    ("round", pa.int32()), ("round_end", pa.date32()), ("region_code", pa.string()),
    ("region_name_en", pa.string()), ("indicator_code", pa.string()),
    ("indicator_name_en", pa.string()), ("value", pa.float64()), ("population", pa.int64()),
    ("population_date", pa.date32()), ("population_source", pa.string()),
    ("national_rate_per_100k", pa.float64()), ("expected_national", pa.float64()),
    ("between_region_alpha", pa.float64()), ("earlier_rounds", pa.int32()),
    ("relative_level", pa.float64()), ("expected", pa.float64()), ("predictive_sd", pa.float64()),
    ("z_score", pa.float64()), ("p_value", pa.float64()), ("p_national", pa.float64()),
    ("limit_95", pa.float64()), ("limit_998", pa.float64()), ("level", pa.string()),
    ("warning", pa.bool_()), ("fixed_rule_warning", pa.bool_()), ("note", pa.string()),
    ("batch_id", pa.int32()), ("source_file", pa.string()), ("source_row", pa.int32()),
])


def query(name: str) -> str:
    """One of this model's queries, `<name>.sql` beside this file."""
    return (Path(__file__).parent / f"{name}.sql").read_text(encoding="utf-8")


def _r(value, places: int):
    """Rounded for publication (a probability keeps 3 significant figures)."""
    if value is None:
        return None
    if places < 0:
        return float(f"{value:.3g}") + 0.0
    return round(float(value), places) + 0.0


def build(con) -> pa.Table:
    values = con.sql(query("values"))
    names = [d[0] for d in values.description]
    rows = values.fetchall()
    records = [dict(zip(names, row, strict=True)) for row in rows]
    by_indicator: dict[str, list[dict]] = {}
    for record in records:
        by_indicator.setdefault(record["indicator_code"], []).append(record)
    columns: dict[str, list] = {name: [] for name in SCHEMA.names}
    for indicator in sorted(by_indicator):
        group = by_indicator[indicator]
        cells = [cl.Cell(r["round"], r["region_code"], r["value"], r["population"])
                 for r in group]
        for r in group:
            j = cl.judge(cells, r["region_code"], r["round"])
            out = {
                **{k: r[k] for k in ("round", "round_end", "region_code", "region_name_en",
                                     "indicator_code", "indicator_name_en", "value",
                                     "population_date", "population_source",
                                     "fixed_rule_warning", "batch_id", "source_file",
                                     "source_row")},
                "population": None if r["population"] is None else int(r["population"]),
                "national_rate_per_100k": _r(j.national_rate and j.national_rate * 1e5, 4),
                "expected_national": _r(j.expected_national, 3),
                "between_region_alpha": _r(j.alpha, 4),
                "earlier_rounds": j.earlier_rounds,
                "relative_level": _r(j.relative_level, 3),
                "expected": _r(j.expected, 3), "predictive_sd": _r(j.sd, 3),
                "z_score": _r(j.z_score, 2), "p_value": _r(j.p_value, -1),
                "p_national": _r(j.p_national, -1),
                "limit_95": _r(j.limit_95, 0), "limit_998": _r(j.limit_998, 0),
                "level": j.level, "warning": j.level == "warning", "note": j.note or None,
            }
            for key, value in out.items():
                columns[key].append(value)
    return pa.table(columns, schema=SCHEMA)
