"""Key survey findings in the report: a short selection of marts.study_estimates, never a
suppressed cell (fewer than 30 respondents).

The selection (warehouse/queries/report_survey_estimates.sql): every study whose fieldwork
ended by the end of the half-year, one column per question with its headline answer (the first
substantive answer of the questionnaire: the lowest answer code, such as "yes" or "fully"),
the national estimate and its 95% interval for each study (newest first, so a question asked
again reads as a trend), and the same by region for the latest study. A cell without an
estimate (suppressed, or a question the study did not ask) is shown as none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ahual.flows.report.data import ReportData, as_date, as_int, as_number, as_text, records

NATIONAL = "00"


@dataclass(frozen=True)
class Estimate:
    value: float | None  # a proportion, 0-1
    low: float | None  # 95% interval
    high: float | None
    respondents: int | None  # who answered the question in the domain


@dataclass(frozen=True)
class Question:
    """A column: a question and its headline answer (named in kk, ru and en)."""
    variable: str
    category: str
    question: dict[str, str]  # by language
    answer: dict[str, str]


@dataclass(frozen=True)
class Study:
    study: str
    start: date | None
    end: date | None
    title: dict[str, str]  # by language
    estimates: tuple[Estimate | None, ...]  # by `Findings.questions`


@dataclass(frozen=True)
class Place:
    region: str
    estimates: tuple[Estimate | None, ...]


@dataclass(frozen=True)
class Findings:
    questions: tuple[Question, ...]
    studies: tuple[Study, ...]  # national estimates, the latest study first
    latest: Study  # the study the regional table is from
    regions: tuple[Place, ...]  # KATO order


def _texts(row: dict, prefix: str) -> dict[str, str]:
    return {lang: as_text(row.get(f"{prefix}{lang}")) for lang in ("kk", "ru", "en")}


def findings(data: ReportData) -> Findings | None:
    """The section's figures; None without an estimate for any study fielded by the end of
    the period (the section is then left out)."""
    rows = records(data.survey_estimates)
    if not rows:
        return None
    wording = {(as_text(r.get("study_id")), as_text(r.get("variable"))): r
               for r in records(data.survey_questions)}
    order: dict[str, int] = {}  # the registry's order of questions
    for i, (_, variable) in enumerate(wording):
        order.setdefault(variable, i)
    by_study: dict[str, dict] = {}
    cells: dict[tuple[str, str, str], Estimate] = {}
    questions: dict[str, Question] = {}
    for r in rows:  # the latest study first (the query's order)
        study, variable = as_text(r.get("study_id")), as_text(r.get("variable"))
        by_study.setdefault(study, r)
        if variable not in questions:
            questions[variable] = Question(
                variable, as_text(r.get("category_code")),
                _texts(wording.get((study, variable)) or {}, "question_"), _texts(r, "label_"))
        cells[(study, as_text(r.get("region_code")), variable)] = Estimate(
            as_number(r.get("estimate")), as_number(r.get("ci_low")),
            as_number(r.get("ci_high")), as_int(r.get("n_unweighted")))
    columns = tuple(sorted(questions.values(), key=lambda q: (order.get(q.variable, 999),
                                                              q.variable)))

    def estimates(study: str, region: str) -> tuple[Estimate | None, ...]:
        return tuple(cells.get((study, region, q.variable)) for q in columns)

    studies = tuple(Study(study, as_date(r.get("fieldwork_start")), as_date(r.get("fieldwork_end")),
                          _texts(r, "title_"), estimates(study, NATIONAL))
                    for study, r in by_study.items())
    latest = studies[0]
    regions = sorted({region for study, region, _ in cells
                      if study == latest.study and region != NATIONAL})
    return Findings(columns, studies, latest,
                    tuple(Place(region, estimates(latest.study, region)) for region in regions))


def name(texts: dict[str, str], lang: str) -> str:
    """A registry text in `lang`, else in another language rather than none."""
    for code in (lang, "en", "kk", "ru"):
        if texts.get(code, "").strip():
            return texts[code]
    return ""
