"""The report's fixed wording: one reviewed file per language (flows/report/labels/*.yaml)
with the same keys, the plural forms each language needs, and every label the templates and
the code ask for present in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ahual.flows.report.html import TEMPLATES, render_html
from ahual.flows.report.language import PLURAL_FORMS, labels, placeholders
from ahual.flows.report.sections import budget, progress, scorecard
from ahual.flows.report.xlsx import SHEET_NAME, write_xlsx
from tests.helpers import REPO
from tests.report.sample import LANGUAGES, empty_report, record_labels, sample_report

CODE = REPO / "flows" / "report"
PLURALS = {"kk": {"other"}, "ru": {"one", "few", "many"}, "en": {"one", "other"}}
# every sheet a workbook can have (labels xlsx.<sheet> name them)
SHEETS = ("summary", "progress", "overdue", "scorecard", "budget", "registrations", "rates",
          "surveys", "monitoring", "index", "improbable", "forecasts", "not_reported")


@pytest.fixture(scope="module")
def prefect_harness():
    """These tests never touch Prefect."""
    yield None


def leaves(node: dict, prefix: str = "") -> dict[str, object]:
    """Every label by its dotted key; a count's plural forms are one label."""
    out = {}
    for key, value in node.items():
        assert isinstance(key, str), f"{prefix}{key!r}: a key YAML read as {type(key).__name__}"
        if isinstance(value, dict) and not set(value) <= PLURAL_FORMS:
            out |= leaves(value, f"{prefix}{key}.")
        else:
            out[prefix + key] = value
    return out


def test_every_language_has_the_same_keys():
    keys = {lang: set(leaves(labels(lang))) for lang in LANGUAGES}
    for lang in ("kk", "ru"):
        assert keys[lang] - keys["en"] == set(), f"only in {lang}.yaml"
        assert keys["en"] - keys[lang] == set(), f"missing from {lang}.yaml"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_labels_are_plain_text_and_counts_have_the_languages_plural_forms(lang):
    for key, value in leaves(labels(lang)).items():
        if key.startswith("count."):
            assert set(value) == PLURALS[lang], key
            assert all("{n}" in form for form in value.values()), key
        elif isinstance(value, list):
            assert len(value) == 12 and all(isinstance(v, str) and v for v in value), key
        else:
            assert isinstance(value, str), key
            assert "<" not in value and "&" not in value, key  # text, escaped by the templates


def _static_keys() -> set[str]:
    """Labels named literally in the templates and the code: t("…"), .count("…")."""
    found = set()
    sources = [*TEMPLATES.glob("*.j2"), *CODE.rglob("*.py")]  # sections/ too
    for path in sources:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", text))
        found |= {f"count.{k}" for k in re.findall(r"""\.count\(\s*["']([a-z_]+)["']""", text)}
    return found


def _dynamic_keys() -> set[str]:
    """Labels the code builds from a code: statuses, funding kinds, units, deadlines, ..."""
    statuses = {f"status.{s.replace(' ', '_')}"
                for s in (*progress.MEASURE_STATUSES, *scorecard.TARGET_STATUSES)}
    targets = (REPO / "datasets" / "reference" / "programme" / "targets.csv").read_text(
        encoding="utf-8").splitlines()[1:]
    units = {f"unit.{line.rsplit(',', 3)[1]}" for line in targets}
    return (statuses | {f"funding.{k}" for k in budget.FUNDING_KINDS} | units
            | {"target.sociological_studies", "target.monitoring_rounds"}
            | {f"deadline.{kind}" for kind in ("half_yearly", "yearly", "quarterly", "quarter",
                                               "quarter_unknown", "month", "date")}
            | {"period.half_1", "period.half_2"}
            | {f"xlsx.{sheet}" for sheet in SHEETS})


def test_every_label_the_templates_and_code_use_exists():
    used = _static_keys() | _dynamic_keys()
    assert len(_static_keys()) > 100  # the extraction finds the labels
    for lang in LANGUAGES:
        defined = set(leaves(labels(lang)))
        assert used - defined == set(), lang


def test_every_label_is_used():
    used = _static_keys() | _dynamic_keys()
    unused = set(leaves(labels("en"))) - used
    # the formats, months and the marker are read by language.py/names.py by these keys too
    assert {k for k in unused if not k.startswith(("format.", "months"))} == set()


def test_placeholders_are_the_ones_the_code_fills(monkeypatch, tmp_path):
    """Render everything in every language, recording what each label is given: no label asks
    for a value its caller does not give (the same key gets the same values in every language,
    so a translator may use any of them)."""
    given = record_labels(monkeypatch)
    for lang in LANGUAGES:
        for data in (sample_report(), empty_report()):
            render_html(data, lang)
            write_xlsx(data, lang, tmp_path / f"{lang}.xlsx")
    for lang in LANGUAGES:
        for key, value in leaves(labels(lang)).items():
            if isinstance(value, str) and key in given:
                assert placeholders(value) <= given[key], (lang, key)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sheet_names_are_ones_excel_accepts(lang):
    for sheet in SHEETS:
        assert SHEET_NAME.fullmatch(labels(lang)["xlsx"][sheet]), sheet


def test_label_files_are_where_the_package_data_takes_them():
    # the wheel's contents: tests/e2e/test_package.py
    assert {p.name for p in (CODE / "labels").glob("*.yaml")} == {f"{x}.yaml" for x in LANGUAGES}
    assert not [p for p in TEMPLATES.rglob("*") if p.parent != TEMPLATES]  # flat: the glob
    assert Path(CODE / "report.css").is_file()
