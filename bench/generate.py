"""Synthetic, deterministic inputs for the benchmark: survey microdata (CSV + codebook) and a
history of registration reports. Everything is written under a scratch directory, never into
the repository.

Survey: one row per respondent with respondent_id, region (KATO codes of the 16 regions of
2007), stratum (region x urban/rural), psu (clusters of 20 consecutive respondents), sex (1/2),
age (18-85), weight (0.3-2.0) and 40 five-point questions coded 1-5, with 9 = "hard to say"
(a missing-value code, about 6% of answers). The first four are the variables study S01 needs
(q_believer, q_confession, q_attendance, q_freedom), the rest q05..q40. The file is written by
DuckDB from hashes of the row number, so the same size always gives the same bytes.

Registrations: one long-layout CSV per quarter (as_of, region, confession, associations) for
20 years x 4 quarters x 16 regions x every confession-level code of
datasets/reference/confessions.csv. That file has 20 such codes (28 with the family codes),
not 40, and a report may not name the same date x region x confession twice (the file would be
refused), so codes are not reused: a file has 16 x 20 = 320 rows, 25,600 rows in all.
"""

from __future__ import annotations

import csv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REGIONS_2007 = [11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55, 59, 63, 71, 75]
S01_VARIABLES = ["q_believer", "q_confession", "q_attendance", "q_freedom"]
VARIABLES = S01_VARIABLES + [f"q{k:02d}" for k in range(5, 41)]
CODES = {1: ("Strongly agree", "Полностью согласен", "Толық келісемін"),
         2: ("Agree", "Согласен", "Келісемін"),
         3: ("Neither", "Ни то ни другое", "Бейтарап"),
         4: ("Disagree", "Не согласен", "Келіспеймін"),
         5: ("Strongly disagree", "Совсем не согласен", "Мүлдем келіспеймін"),
         9: ("Hard to say", "Затрудняюсь ответить", "Жауап беру қиын")}
MISSING_CODES = {9}
YEARS = range(1990, 2010)  # 20 years; reports dated 1 Jan, 1 Apr, 1 Jul, 1 Oct
QUARTER_DAYS = ("01-01", "04-01", "07-01", "10-01")
CLUSTER = 20  # respondents per PSU


def parse_size(text: str) -> int:
    """10k -> 10000, 1M -> 1000000, 2500 -> 2500."""
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def size_label(rows: int) -> str:
    for factor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if rows >= factor and rows % factor == 0:
            return f"{rows // factor}{suffix}"
    return str(rows)


def survey(directory: Path, rows: int) -> Path:
    """Write survey_<size>.csv and survey_<size>.codebook.csv (skipped if already there)."""
    import duckdb

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"survey_{size_label(rows)}.csv"
    codebook(path.with_name(f"{path.stem}.codebook.csv"))
    if path.exists():
        return path
    regions = "[" + ", ".join(map(str, REGIONS_2007)) + "]"
    answers = ",\n".join(
        f"CASE WHEN hash(i, {k}) % 100 < 6 THEN 9 ELSE 1 + (hash(i, {k}) // 100) % 5 END "
        f"AS {variable}" for k, variable in enumerate(VARIABLES, 1))
    partial = path.with_suffix(".csv.partial")
    with duckdb.connect() as con:
        con.execute(f"""
            COPY (
                SELECT
                    i + 1                                                   AS respondent_id,
                    {regions}[1 + (psu % 32) // 2]                          AS region,
                    {regions}[1 + (psu % 32) // 2]::varchar
                        || CASE WHEN psu % 2 = 0 THEN '-urban' ELSE '-rural' END AS stratum,
                    psu + 1                                                 AS psu,
                    1 + hash(i, 1001) % 2                                   AS sex,
                    18 + hash(i, 1002) % 68                                 AS age,
                    round(0.3 + (hash(i, 1003) % 17000) / 10000.0, 4)       AS weight,
                    {answers}
                FROM (SELECT range AS i, range // {CLUSTER} AS psu FROM range({rows}))
                ORDER BY i
            ) TO '{partial}' (FORMAT csv, HEADER true)""")
    partial.rename(path)
    return path


def codebook(path: Path) -> Path:
    if path.exists():
        return path
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["variable", "question_en", "code", "label_en", "label_ru", "label_kk",
                      "missing"])
        out.writerow(["sex", "Sex", 1, "male", "мужской", "ер", ""])
        out.writerow(["sex", "Sex", 2, "female", "женский", "әйел", ""])
        for number, variable in enumerate(VARIABLES, 1):
            question = f"Synthetic five-point question {number} (benchmark data)"
            for code, (en, ru, kk) in CODES.items():
                out.writerow([variable, question, code, en, ru, kk,
                              "yes" if code in MISSING_CODES else ""])
    return path


def confession_codes() -> list[str]:
    with open(REPO / "datasets" / "reference" / "confessions.csv", encoding="utf-8") as handle:
        return [r["confession_code"] for r in csv.DictReader(handle)
                if r["level"] == "confession"]


def registrations(directory: Path, years: int = len(YEARS)) -> list[Path]:
    """One long-layout report per quarter: 16 regions x every confession code."""
    directory.mkdir(parents=True, exist_ok=True)
    codes = confession_codes()
    paths = []
    for year in list(YEARS)[:years]:
        for quarter, day in enumerate(QUARTER_DAYS, 1):
            path = directory / f"registrations_{year}Q{quarter}.csv"
            paths.append(path)
            if path.exists():
                continue
            with open(path, "w", encoding="utf-8", newline="") as handle:
                out = csv.writer(handle)
                out.writerow(["as_of", "region", "confession", "associations"])
                for r, region in enumerate(REGIONS_2007):
                    for c, code in enumerate(codes):
                        growth = (year - 1990) * 4 + quarter
                        count = (r * 7 + c * 13) % 40 + growth * ((r + c) % 3)
                        out.writerow([f"{year}-{day}", region, code, count])
    return paths


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1])
    for size in sys.argv[2:] or ["10k"]:
        print(survey(target / "surveys", parse_size(size)))
    print(len(registrations(target / "registrations")), "registration reports")
