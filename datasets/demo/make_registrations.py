"""Generate the demo registration reports in datasets/demo/registrations/ (run once, committed).

MADE-UP FIGURES. The regional split is invented; it is made consistent with the real national
counts the programme gives for the start of 2007 (section 3 of Resolution No. 1185): the 16
regions' parts add up, confession family by family, to 2,144 Islam, 270 Russian Orthodox,
95 Roman Catholic, 1,147 Protestant, 27 Judaism, 4 Buddhism, 49 non-traditional and 33
charitable funds, and their reported totals add up to 3,783 (14 unattributed). 2008 and 2009
are invented growth. Deterministic: `python datasets/demo/make_registrations.py`.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import openpyxl
import pandas as pd

HERE = Path(__file__).parent
OUT = HERE / "registrations"
REFERENCE = HERE.parent / "reference"
NOTE = "DEMO DATA: made-up regional figures consistent with the programme's national totals"

REGIONS_2007 = ["11", "15", "19", "23", "27", "31", "35", "39", "43", "47", "51", "55", "59",
                "63", "71", "75"]
# Relative weight of each region per family: Islam stronger in the south and west,
# Christian churches in the north, east and the two cities.
SOUTH = {"19": 3, "31": 3, "43": 3, "51": 6, "23": 2, "47": 2, "15": 2, "27": 2, "75": 3}
NORTH = {"11": 3, "35": 4, "39": 3, "55": 3, "59": 3, "63": 4, "71": 2, "75": 4}
WEIGHTS = {"ISL": SOUTH, "ORT": NORTH, "CAT": NORTH, "PRO": NORTH, "JUD": {"71": 2, "75": 3},
           "BUD": {"75": 2, "71": 1}, "NTR": NORTH, "CHF": {"75": 3, "71": 2}}
# National 2007 parts (programme, section 3) and how each splits into denominations.
NATIONAL_2007 = {"ISL": 2144, "ORT": 270, "CAT": 95, "PRO": 1147, "JUD": 27, "BUD": 4,
                 "NTR": 49, "CHF": 33}
DENOMINATIONS = {
    "ISL": {"ISL-SAMK": 0.97, "ISL-OTH": 0.03},
    "ORT": {"ORT-ROC": 1.0},
    "CAT": {"CAT-RCC": 1.0},
    "PRO": {"PRO-BAP": 0.32, "PRO-PEN": 0.22, "PRO-ADV": 0.12, "PRO-LUT": 0.10, "PRO-PRE": 0.12,
            "PRO-NAC": 0.04, "PRO-MET": 0.02, "PRO-MEN": 0.02, "PRO-EVA": 0.04},
    "JUD": {"JUD": 1.0}, "BUD": {"BUD": 1.0},
    "NTR": {"NTR-JW": 0.45, "NTR-KRI": 0.2, "NTR-BAH": 0.2, "NTR-LDS": 0.05, "NTR-OTH": 0.1},
    "CHF": {"CHF": 1.0},
}
UNATTRIBUTED_2007 = {"75": 5, "71": 3, "35": 3, "63": 3}  # adds to 14


def split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Largest-remainder split of an integer total: the parts always add up exactly."""
    norm = sum(weights.values())
    raw = {k: total * w / norm for k, w in weights.items()}
    parts = {k: int(v) for k, v in raw.items()}
    by_remainder = sorted(raw, key=lambda k: raw[k] - parts[k], reverse=True)
    for k in by_remainder[: total - sum(parts.values())]:
        parts[k] += 1
    return parts


def counts_2007() -> dict[str, dict[str, int]]:
    """region -> confession -> count at 2007-01-01."""
    table: dict[str, dict[str, int]] = {r: {} for r in REGIONS_2007}
    for family, total in NATIONAL_2007.items():
        weights = {r: WEIGHTS[family].get(r, 1) for r in REGIONS_2007}
        for region, n in split(total, weights).items():
            for code, k in split(n, DENOMINATIONS[family]).items():
                table[region][code] = k
    return table


def grow(table: dict[str, dict[str, int]], rng: random.Random) -> dict[str, dict[str, int]]:
    grown = {}
    for region, row in table.items():
        grown[region] = {c: n + sum(rng.random() < 0.05 for _ in range(n)) for c, n in row.items()}
        grown[region]["ORT-OLD"] = row.get("ORT-OLD", 0) + (rng.random() < 0.3)
    return grown


def names(file: str, code_column: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / file, dtype=str, keep_default_na=False).set_index(code_column)


def figures() -> tuple[dict, dict, dict, dict]:
    """The demo's counts as of 2007, 2008 and 2009, and each region's unattributed remainder
    (2008 onwards). Deterministic."""
    rng = random.Random(2007)
    y2007 = counts_2007()
    y2008 = grow(y2007, rng)
    y2009 = grow(y2008, rng)
    unattributed = {r: rng.randint(0, 2) for r in REGIONS_2007}
    return y2007, y2008, y2009, unattributed


def main() -> None:
    regions, confessions = names("regions.csv", "region_code"), names("confessions.csv",
                                                                         "confession_code")
    y2007, y2008, y2009, unattributed = figures()
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()

    # 2007: long layout, Russian labels, Windows-1251, semicolons, as the ministry's export.
    with open(OUT / "2007-01-01_all-regions_ru.csv", "w", encoding="cp1251", newline="") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(["Дата", "Регион", "Конфессия", "Количество объединений", "Примечание"])
        for region in REGIONS_2007:
            row = y2007[region]
            for code, n in row.items():
                out.writerow(["01.01.2007", regions.at[region, "name_ru"],
                              confessions.at[code, "name_ru"], n if n else "-", NOTE])
            total = sum(row.values()) + UNATTRIBUTED_2007.get(region, 0)
            out.writerow(["01.01.2007", regions.at[region, "name_ru"], "Всего", total, NOTE])

    # 2008: wide layout, Kazakh labels, XLSX; one region left a cell empty (not reported).
    codes = sorted({c for row in y2008.values() for c in row})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2008"
    ws.append(["Күні", "Өңір"] + [confessions.at[c, "name_kk"] for c in codes] + ["Барлығы"])
    for region in REGIONS_2007:
        row = y2008[region]
        cells = [row.get(c, 0) or "-" for c in codes]
        if region == "43":
            cells[codes.index("PRO-MEN")] = None  # Kyzylorda did not report Mennonites
        total = sum(row.values()) + unattributed[region]
        ws.append(["2008-01-01", regions.at[region, "name_kk"]] + cells + [total])
    about = wb.create_sheet("about")
    about.append([NOTE])
    wb.save(OUT / "2008-01-01_all-regions_kk.xlsx")

    # 2008 correction: Karaganda resubmits with two counts corrected (supersedes its row).
    corrected = dict(y2008["35"], **{"PRO-BAP": y2008["35"]["PRO-BAP"] + 2})
    with open(OUT / "2008-01-01_karaganda-corrected_en.csv", "w", encoding="utf-8",
              newline="") as f:
        out = csv.writer(f)
        out.writerow(["as_of", "region", "confession", "associations", "note"])
        for code, n in corrected.items():
            out.writerow(["2008-01-01", "Karaganda Region", confessions.at[code, "name_en"], n,
                          NOTE + "; corrected resubmission"])
        out.writerow(["2008-01-01", "Karaganda Region", "Total",
                      sum(corrected.values()) + unattributed["35"], NOTE])

    # 2009: wide layout, English headers, UTF-8 with BOM, region codes.
    codes = sorted({c for row in y2009.values() for c in row})
    with open(OUT / "2009-01-01_all-regions_en.csv", "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["as_of", "region"] + [confessions.at[c, "name_en"] for c in codes]
                     + ["Total", "note"])
        for region in REGIONS_2007:
            row = y2009[region]
            out.writerow(["2009-01-01", region] + [row.get(c, 0) for c in codes]
                         + [sum(row.values()) + unattributed[region], NOTE])

    # A report with errors, refused on purpose: unknown region, negative and fractional counts.
    with open(OUT / "2009-07-01_zhambyl_has-errors.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["as_of", "region", "confession", "associations", "note"])
        out.writerow(["2009-07-01", "Zhambyl Region", "ISL-SAMK", 201, NOTE])
        out.writerow(["2009-07-01", "Zhambl Region", "ORT-ROC", 12, NOTE + "; misspelt region"])
        out.writerow(["2009-07-01", "Zhambyl Region", "PRO-BAP", -3, NOTE + "; negative"])
        out.writerow(["2009-07-01", "Zhambyl Region", "PRO-PEN", "7.5", NOTE + "; fraction"])


if __name__ == "__main__":
    main()
