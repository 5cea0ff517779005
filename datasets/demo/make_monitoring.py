"""Generate the demo monitoring sheets in datasets/demo/monitoring/round-N/ (committed).

MADE-UP FIGURES for the three monitoring rounds (2007, 2008, 2009) of all 16 regions. The
registered associations at the end of rounds 1 and 2 equal the demo registration reports' totals
as of 1 January 2008 and 2009; everything else is invented. Shows: three formats and languages,
one region sending round 2 late in a file of its own, one region not sending round 3 at all,
one empty cell (not reported), and one early warning (conflicts in Kyzylorda, round 3).
Deterministic: `python datasets/demo/make_monitoring.py`.
"""

from __future__ import annotations

import csv
import random

import openpyxl
from make_registrations import HERE, NOTE, REGIONS_2007, figures, names

OUT = HERE / "monitoring"
INDICATORS = ["REG_ASSOC", "NEW_REG", "LIQUIDATED", "MISSIONARIES", "CONFLICTS", "ADMIN_CASES",
              "HATRED_CASES", "OUTREACH", "MEDIA", "EXPERT_REVIEWS"]
LATE_IN_ROUND_2 = "47"  # Mangystau sends round 2 separately, after the others
SILENT_IN_ROUND_3 = "23"  # Atyrau has not sent round 3


def values() -> dict[int, dict[str, dict[str, int | None]]]:
    """round -> region -> indicator -> value."""
    rng = random.Random(1185)
    _, y2008, y2009, unattributed = figures()
    y2008["35"] = dict(y2008["35"], **{"PRO-BAP": y2008["35"]["PRO-BAP"] + 2})  # the correction
    totals = {1: {r: sum(y2008[r].values()) + unattributed[r] for r in REGIONS_2007},
              2: {r: sum(y2009[r].values()) + unattributed[r] for r in REGIONS_2007}}
    totals[3] = {r: n + rng.randint(0, 8) for r, n in totals[2].items()}
    # Each region has its own level of each indicator; rounds vary a little around it.
    spans = {"NEW_REG": (2, 12), "LIQUIDATED": (0, 2), "MISSIONARIES": (5, 40),
             "CONFLICTS": (0, 1), "ADMIN_CASES": (1, 4), "HATRED_CASES": (0, 1),
             "OUTREACH": (20, 90), "MEDIA": (30, 200), "EXPERT_REVIEWS": (3, 25)}
    level = {(r, i): rng.randint(*span) for r in REGIONS_2007 for i, span in spans.items()}
    rounds = {}
    for round_no in (1, 2, 3):
        rounds[round_no] = {}
        for region in REGIONS_2007:
            rounds[round_no][region] = {"REG_ASSOC": totals[round_no][region]} | {
                i: max(0, level[region, i] + rng.randint(-1, 1)) for i in spans}
    rounds[3]["43"]["CONFLICTS"] = 9  # an early warning: far above Kyzylorda's own history
    rounds[2]["59"]["EXPERT_REVIEWS"] = None  # North Kazakhstan left the cell empty
    return rounds


def main() -> None:
    regions = names("regions.csv", "region_code")
    indicators = names("indicators.csv", "indicator_code")
    data = values()
    for folder in (OUT / f"round-{n}" for n in (1, 2, 3)):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()

    # Round 1: wide XLSX with Russian headers.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Регион"] + [indicators.at[i, "name_ru"] for i in INDICATORS])
    for region in REGIONS_2007:
        sheet.append([regions.at[region, "name_ru"]] + [data[1][region][i] for i in INDICATORS])
    book.create_sheet("about").append([NOTE])
    book.save(OUT / "round-1" / "monitoring-2007_all-regions_ru.xlsx")

    # Round 2: long CSV with Kazakh headers; one region arrives late in its own file.
    def long_rows(region: str) -> list[list]:
        return [[regions.at[region, "name_kk"], 2, indicators.at[i, "name_kk"],
                 "" if data[2][region][i] is None else data[2][region][i], NOTE]
                for i in INDICATORS]
    header = ["Өңір", "Кезең", "Көрсеткіш", "Мәні", "Ескерту"]
    with open(OUT / "round-2" / "monitoring-2008_regions_kk.csv", "w", encoding="utf-8",
              newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for region in REGIONS_2007:
            if region != LATE_IN_ROUND_2:
                out.writerows(long_rows(region))
    with open(OUT / "round-2" / "monitoring-2008_mangystau-late_kk.csv", "w", encoding="utf-8",
              newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(long_rows(LATE_IN_ROUND_2))

    # Round 3: wide CSV, English headers, KATO codes; one region has not sent it.
    with open(OUT / "round-3" / "monitoring-2009_regions_en.csv", "w", encoding="utf-8-sig",
              newline="") as f:
        out = csv.writer(f)
        out.writerow(["region"] + INDICATORS + ["note"])
        for region in REGIONS_2007:
            if region != SILENT_IN_ROUND_3:
                out.writerow([region] + [data[3][region][i] for i in INDICATORS] + [NOTE])


if __name__ == "__main__":
    main()
