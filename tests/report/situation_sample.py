"""Hand-made frames for the religious situation (registrations with their coverage, survey
estimates) on top of sample.py's report for 2008H2, whose registration reporting date is
1 January 2009. Four regions are in force in this sample (15, 35, 71, 75); on 1 January 2009
Astana city (71) has not reported, so that date is partial; 1 January 2008 is complete."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ahual.flows.report.data import ReportData
from tests.report.sample import sample_report

PARTIAL, COMPLETE = date(2009, 1, 1), date(2008, 1, 1)
FAMILIES = {
    "ALL": ("Барлығы", "Всего", "Total"),
    "ISL": ("Ислам", "Ислам", "Islam"),
    "ORT": ("Православие", "Православие", "Orthodox Christianity"),
}
# (as_of, region, family, associations, population); the regions' totals include what no family
# accounts for. 00 is the Republic, only on the complete date.
CELLS = [
    (COMPLETE, "15", "ALL", 150, 700_000), (COMPLETE, "15", "ISL", 120, 700_000),
    (COMPLETE, "15", "ORT", 25, 700_000),
    (COMPLETE, "35", "ALL", 300, 1_300_000), (COMPLETE, "35", "ISL", 140, 1_300_000),
    (COMPLETE, "35", "ORT", 90, 1_300_000),
    (COMPLETE, "71", "ALL", 80, 600_000), (COMPLETE, "71", "ISL", 40, 600_000),
    (COMPLETE, "71", "ORT", 20, 600_000),
    (COMPLETE, "75", "ALL", 410, 1_300_000), (COMPLETE, "75", "ISL", 200, 1_300_000),
    (COMPLETE, "75", "ORT", 110, 1_300_000),
    (COMPLETE, "00", "ALL", 940, 3_900_000), (COMPLETE, "00", "ISL", 500, 3_900_000),
    (COMPLETE, "00", "ORT", 245, 3_900_000),
    (PARTIAL, "15", "ALL", 163, 705_000), (PARTIAL, "15", "ISL", 131, 705_000),
    (PARTIAL, "15", "ORT", 26, 705_000),
    (PARTIAL, "35", "ALL", 296, 1_310_000), (PARTIAL, "35", "ISL", 141, 1_310_000),
    (PARTIAL, "35", "ORT", None, 1_310_000),  # a family with a part not reported
    (PARTIAL, "75", "ALL", 437, 1_320_000), (PARTIAL, "75", "ISL", 214, 1_320_000),
    (PARTIAL, "75", "ORT", 117, 1_320_000),
]


def coverage(partial: bool = True) -> pd.DataFrame:
    latest = (PARTIAL, 4, 3, "71", False, None) if partial else \
        (PARTIAL, 4, 4, "", True, "all regions")
    return pd.DataFrame([(COMPLETE, 4, 4, "", True, "all regions"), latest],
                        columns=["as_of", "units_expected", "units_reported", "missing_units",
                                 "complete", "national_source"])


def registrations(partial: bool = True) -> pd.DataFrame:
    rows = [(day, region, family, n, population,
             None if n is None else round(100_000 * n / population, 4))
            for day, region, family, n, population in CELLS]
    if not partial:  # Astana's report arrived: the date is complete and has a national row
        rows += [(PARTIAL, "71", "ALL", 84, 610_000, 13.7705),
                 (PARTIAL, "71", "ISL", 42, 610_000, 6.8852),
                 (PARTIAL, "71", "ORT", 21, 610_000, 3.4426),
                 (PARTIAL, "00", "ALL", 980, 3_945_000, 24.8416),
                 (PARTIAL, "00", "ISL", 528, 3_945_000, 13.384),
                 (PARTIAL, "00", "ORT", None, 3_945_000, None)]
    return pd.DataFrame(rows, columns=["as_of", "region_code", "confession_code",
                                       "associations", "population", "per_100k"])


def _estimate(study, end, variable, code, labels, kind, region, value, low, high, n):
    return (study, date(end.year, end.month, 1), end, f"{study} kk", f"{study} ru",
            f"{study} en", variable, code, *labels, kind, region, value, low, high, "logit", n)


YES = ("Иә", "Да", "Yes")
FULLY = ("Толық", "Полностью", "Fully")
SURVEY_COLUMNS = ("study_id fieldwork_start fieldwork_end title_kk title_ru title_en variable "
                  "category_code label_kk label_ru label_en domain_kind region_code estimate "
                  "ci_low ci_high ci_method n_unweighted").split()


def survey_estimates() -> pd.DataFrame:
    """Two studies by the end of 2008 (S02 the latest), as report_survey_estimates.sql returns
    them: the latest first; S02 did not ask q_freedom; region 35's q_believer was suppressed
    (absent)."""
    s02, s01 = date(2008, 12, 15), date(2007, 11, 15)
    rows = [
        _estimate("S02", s02, "q_believer", "1", YES, "national", "00", 0.7312, 0.7101, 0.7514,
                  2300),
        _estimate("S02", s02, "q_believer", "1", YES, "region", "15", 0.81, 0.74, 0.86, 140),
        _estimate("S02", s02, "q_believer", "1", YES, "region", "75", 0.64, 0.57, 0.7, 180),
        _estimate("S01", s01, "q_believer", "1", YES, "national", "00", 0.702, 0.68, 0.723,
                  3100),
        _estimate("S01", s01, "q_freedom", "1", FULLY, "national", "00", 0.615, 0.59, 0.64,
                  2900),
    ]
    return pd.DataFrame(rows, columns=SURVEY_COLUMNS)


def survey_questions() -> pd.DataFrame:
    return pd.DataFrame([
        ("S01", "q_believer", "Сенесіз бе?", "Считаете ли Вы себя верующим?", "Believer?"),
        ("S01", "q_freedom", "Бостандық па?", "Обеспечена ли свобода?", "Freedom ensured?"),
        ("S02", "q_believer", "Сенесіз бе?", "Считаете ли Вы себя верующим?", "Believer?")],
        columns=["study_id", "variable", "question_kk", "question_ru", "question_en"])


def situation_report(partial: bool = True, **changes) -> ReportData:
    families = pd.DataFrame([(code, *names) for code, names in FAMILIES.items()],
                            columns=["family_code", "name_kk", "name_ru", "name_en"])
    return sample_report(registration_coverage=coverage(partial),
                         registrations=registrations(partial), survey_estimates=survey_estimates(),
                         survey_questions=survey_questions(), families=families, **changes)
