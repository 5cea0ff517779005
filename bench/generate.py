"""Synthetic, deterministic inputs for the benchmark: survey microdata (CSV + codebook) and a
history of registration reports. Everything is written under a scratch directory, never into
the repository.

Survey: one row per respondent with respondent_id, region (KATO codes of the 16 regions of
2007), stratum (region x urban/rural), psu (clusters of 20 consecutive respondents), sex (1/2),
age (18-85), weight (0.3-2.0) and 40 five-point questions coded 1-5, with 9 = "hard to say"
(a missing-value code, about 6% of answers). The first four are the variables study S01 needs
(q_believer, q_confession, q_attendance, q_freedom), the rest q05..q40. The file is written by
DuckDB from hashes of the row number, so the same size always gives the same bytes.

A half-year's files: one registration report per region in force today (20: 17 oblasts and 3
cities) with every confession-level code, and 16 agencies' progress reports (the programme's
measures by responsible agency, the agencies with most measures in two files).
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


def variables(questions: int = len(VARIABLES)) -> list[str]:
    return (S01_VARIABLES + [f"q{k:02d}" for k in range(5, questions + 1)])[:questions]


def survey(directory: Path, rows: int, questions: int = len(VARIABLES),
           gaps: bool = False) -> Path:
    """Write survey_<size>[x<questions>][-gaps].csv and its codebook (skipped if already
    there). `gaps`: as real files have them, 1 respondent in 500 at weight 0 (accepted, not
    estimated) and about 1% of answers empty."""
    import duckdb

    directory.mkdir(parents=True, exist_ok=True)
    shape = "" if questions == len(VARIABLES) else f"x{questions}"
    path = directory / f"survey_{size_label(rows)}{shape}{'-gaps' if gaps else ''}.csv"
    codebook(path.with_name(f"{path.stem}.codebook.csv"), questions)
    if path.exists():
        return path
    regions = "[" + ", ".join(map(str, REGIONS_2007)) + "]"
    empty = "WHEN hash(i, {k}) % 100 = 0 THEN NULL " if gaps else ""
    answers = ",\n".join(
        f"CASE {empty.format(k=k)}WHEN hash(i, {k}) % 100 < 6 + {int(gaps)} THEN 9 "
        f"ELSE 1 + (hash(i, {k}) // 100) % 5 END AS {variable}"
        for k, variable in enumerate(variables(questions), 1))
    weight = "round(0.3 + (hash(i, 1003) % 17000) / 10000.0, 4)"
    if gaps:
        weight = f"CASE WHEN hash(i, 1004) % 500 = 0 THEN 0 ELSE {weight} END"
    partial = path.with_suffix(".csv.partial")
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
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
                    {weight}                                                AS weight,
                    {answers}
                FROM (SELECT range AS i, range // {CLUSTER} AS psu FROM range({rows}))
                ORDER BY i
            ) TO '{partial}' (FORMAT csv, HEADER true)""")
    partial.rename(path)
    return path


def codebook(path: Path, questions: int = len(VARIABLES)) -> Path:
    if path.exists():
        return path
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["variable", "question_en", "code", "label_en", "label_ru", "label_kk",
                      "missing"])
        out.writerow(["sex", "Sex", 1, "male", "мужской", "ер", ""])
        out.writerow(["sex", "Sex", 2, "female", "женский", "әйел", ""])
        for number, variable in enumerate(variables(questions), 1):
            question = f"Synthetic five-point question {number} (benchmark data)"
            for code, (en, ru, kk) in CODES.items():
                out.writerow([variable, question, code, en, ru, kk,
                              "yes" if code in MISSING_CODES else ""])
    return path


def confession_codes() -> list[str]:
    with open(REPO / "datasets" / "reference" / "confessions.csv", encoding="utf-8") as handle:
        return [r["confession_code"] for r in csv.DictReader(handle)
                if r["level"] == "confession"]


def regions_today() -> list[str]:
    """The 20 first-level regions in force today (17 oblasts and 3 cities)."""
    with open(REPO / "datasets" / "reference" / "regions.csv", encoding="utf-8") as handle:
        return [r["region_code"] for r in csv.DictReader(handle)
                if r["level"] != "national" and not r["valid_to"]]


def registration_report(path: Path, region: str, as_of: str, salt: int = 0) -> Path:
    """One region's report for one date: every confession code, long layout, codes only."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["as_of", "region", "confession", "associations"])
        for c, code in enumerate(confession_codes()):
            out.writerow([as_of, region, code, (int(region) * 7 + c * 13 + salt) % 60])
    return path


def progress_reports(directory: Path, period: str = "2009H1", files: int = 16,
                     salt: int = 0) -> list[Path]:
    """`files` progress reports for one half-year: each responsible agency's measures, split
    in two files for the agencies with the most measures (`salt` varies the amounts spent)."""
    with open(REPO / "datasets" / "reference" / "programme" / "measures.csv",
              encoding="utf-8") as handle:
        measures = [(r["measure_no"], r["agencies"].split(";")) for r in csv.DictReader(handle)]
    by_agency: dict[str, list[str]] = {}
    for number, agencies in measures:
        for agency in agencies:
            by_agency.setdefault(agency.strip(), []).append(number)
    parts = [(a, m) for a, m in sorted(by_agency.items())]
    while len(parts) < files:  # split the largest
        parts.sort(key=lambda p: -len(p[1]))
        agency, numbers = parts.pop(0)
        half = len(numbers) // 2
        parts += [(agency, numbers[:half]), (agency, numbers[half:])]
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (agency, numbers) in enumerate(sorted(parts)[:files]):
        path = directory / f"progress-{period}-{i:02d}-{agency}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["agency", "measure", "period", "status", "spent_mln_tenge",
                          "conferences_regional"])
            for number in numbers:
                out.writerow([agency, number, period, "in progress", f"{0.5 + salt / 1000:.3f}",
                              "1"])
        paths.append(path)
    return paths


def half_year_batch(directory: Path, as_of: str = "2024-01-01", salt: int = 0) -> list[Path]:
    """What arrives for a half-year: 20 regional registration reports and 16 progress
    reports (`salt`: other figures, so other bytes, under the same names)."""
    directory.mkdir(parents=True, exist_ok=True)
    regional = [registration_report(directory / f"registrations-{as_of}-{code}.csv", code,
                                    as_of, salt) for code in regions_today()]
    return regional + progress_reports(directory, salt=salt)


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1])
    for size in sys.argv[2:] or ["10k"]:
        print(survey(target / "surveys", parse_size(size)))
    print(len(half_year_batch(target / "batch")), "files of a half-year")
