"""The backtest table of marts.association_forecasts (association_forecasts.backtest.md, for the
README), written from a built warehouse by `python -m ahual.warehouse.marts.association_forecasts`.

Its words are backtest.template.md's; where the figures come from (national reports or sums of
regional reports, made up or not) is read from the loads, never written here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from string import Template

from ahual.warehouse.marts.association_forecasts import query
from ahual.warehouse.marts.association_forecasts.fits import MODELS
from ahual.warehouse.marts.association_forecasts.selection import number

TEMPLATE = Path(__file__).with_name("backtest.template.md")


def _share(value) -> str:
    return "–" if value is None or value != value else f"{value:.0%}"


def _national(national: list[dict]) -> list[str]:
    """Every national series' candidates at its latest origin where one could be backtested."""
    out = []
    for family in dict.fromkeys(r["confession_family"] for r in national):
        mine = [r for r in national if r["confession_family"] == family]
        tested = [r["origin_date"] for r in mine if r["forecasts"]]
        if not tested:
            continue
        at = max(tested)
        for r in (r for r in mine if r["origin_date"] == at and r["forecasts"]):
            window = f"{r['history_from']} to {r['origin_date']}, {r['history_reports']} reports"
            out.append(f"| Republic · {r['family_name_en']} | {window} | {r['model']} | "
                       f"{r['forecasts']} | {number(r['mase'])} | {number(r['mae'], 1)} | "
                       f"{_share(r['coverage_80'])} | {_share(r['coverage_95'])} | "
                       f"{'yes' if r['chosen'] else ''} |")
    return out


def _regional(regional: list[dict]) -> list[str]:
    """The regional series summed up by family and candidate at their latest origin."""
    out = []
    latest = max((r["origin_date"] for r in regional if r["forecasts"]), default=None)
    for family in dict.fromkeys(r["confession_family"] for r in regional):
        mine = [r for r in regional if r["confession_family"] == family
                and r["origin_date"] == latest and r["forecasts"]]
        for model in MODELS:
            of = [r for r in mine if r["model"] == model]
            if not of:
                continue
            n = sum(r["forecasts"] for r in of)
            mases = [r["mase"] for r in of if r["mase"] is not None]
            cover = {lv: sum(r[f"coverage_{lv}"] * r["forecasts"] for r in of) / n
                     for lv in (80, 95)}
            chosen = sum(bool(r["chosen"]) for r in of)
            name = of[0]["family_name_en"]
            regions = f"{len(of)} region{'s' if len(of) > 1 else ''}"
            out.append(f"| {regions} · {name} | {of[0]['history_from']} to {latest} | "
                       f"{model} | {n} | {number(sum(mases) / len(mases)) if mases else '–'}"
                       f" (mean of regions) | {number(sum(r['mae'] for r in of) / len(of), 1)}"
                       f" | {_share(cover[80])} | {_share(cover[95])} | {chosen} of {len(of)} |")
    return out


def _waiting(national: list[dict]) -> list[str]:
    """The national series no candidate forecasts at their latest report, and why."""
    out = []
    for family in dict.fromkeys(r["confession_family"] for r in national):
        mine = [r for r in national if r["confession_family"] == family]
        last = max(r["origin_date"] for r in mine)
        at = [r for r in mine if r["origin_date"] == last]
        if not any(r["chosen"] for r in at):
            reasons = "; ".join(f"{r['model']}: {r['status']}" for r in at)
            out.append(f"| Republic · {at[0]['family_name_en']} | {last} | "
                       f"{at[0]['history_reports']} report(s) since "
                       f"{at[0]['history_after_break'] or 'the first'} | {reasons} |")
    return out


def _years(dates: list[date]) -> str:
    years = [str(y) for y in dict.fromkeys(d.year for d in dates)]
    return years[0] if len(years) == 1 else f"{', '.join(years[:-1])} and {years[-1]}"


def sources(con) -> dict[str, str]:
    """Where the figures come from, in words: the national series' dates by how each figure
    was made (a national report or a sum of regional reports, made up or not: the loads'
    `made_up`), and whether the regional reports are made up."""
    national: dict[str, list[date]] = {}
    regional = (False, False)
    for level, as_of, basis, some, every in con.sql(query("backtest_sources")).fetchall():
        if level == "region":
            regional = (some, every)
            continue
        made = "made-up " if some else "real "
        words = (f"{made}national reports" if basis == "national report"
                 else f"sums of {made}regional reports")
        national.setdefault(words, []).append(as_of)
    said = [f"{_years(dates)} {'is' if len(dates) == 1 else 'are'} {words}"
            if i == 0 else f"{_years(dates)} {words}"
            for i, (words, dates) in enumerate(national.items())]
    some, every = regional
    return {"national": ", ".join(said) or "none",
            "regions": " (made-up figures)" if every else
                       " (partly made-up figures)" if some else ""}


def backtest_table(con) -> str:
    """The backtest of marts.association_forecasts as markdown: every national series and
    candidate at the latest origin where a candidate could be backtested, the regional series
    summed up by family, and the series that cannot be forecast yet and why."""
    rows = con.sql(query("backtest")).to_arrow_table().to_pylist()
    national = [r for r in rows if r["level"] == "national"]
    table = [("| series | history at the origin | model | backtest forecasts | MASE | MAE "
              "| coverage 80% | coverage 95% | chosen |"), "|---|---|---|---|---|---|---|---|---|",
             *_national(national), *_regional([r for r in rows if r["level"] == "region"])]
    waiting = _waiting(national)
    if waiting:
        waiting = ["", "", ("Not forecast at their latest report (no candidate can be "
                            "backtested yet):"),
                   "", "| series | latest report | history | why, by model |", "|---|---|---|---|",
                   *waiting]
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        sources(con), table="\n".join(table), waiting="\n".join(waiting))
