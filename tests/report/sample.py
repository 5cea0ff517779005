"""A hand-made ReportData for the renderer's tests: hostile cells (formula-like text, markup)
in names the report shows, a Kazakh title without English, missing values, and a parser that
collects what a reader sees on the page."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pandas as pd

from ahual.flows.report.data import ReportData
from ahual.flows.report.language import Language

DDE = "=cmd|' /C calc'!A0"
PLUS, MINUS, AT = "+1+1", "-2+3", "@SUM(A1)"
SCRIPT = "<script>alert(1)</script>"
SPACED = '  =HYPERLINK("http://evil.example/x","open")'
KAZAKH = "Дінтану мамандарының біліктілігін арттыру"
HOSTILE = (DDE, PLUS, MINUS, AT, SPACED)  # all formula-like; SCRIPT is not
LANGUAGES = ("kk", "ru", "en")


def _frame(rows: list[tuple], columns: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


def _progress() -> pd.DataFrame:
    return _frame([
        (1, "5.1", "MJ;MCI", date(2008, 6, 30), "2008 жылдың II тоқсаны", 2, "done", "MJ;MCI",
         None, None, False),
        (2, "5.1", "EVIL", date(2008, 9, 30), "2008 жылдың III тоқсаны", 3, "in progress",
         "EVIL", 12.5, 4.25, True),
        (3, "5.1", "MCI", None, "", None, "not reported", "", None, None, False),
        (4, "5.2", "MES;MJ;AKIMATS_OBLASTS", None, "Жыл сайын 20 қаңтарға және 20 шілдеге",
         None, "in progress", "MES", 1234.5, 987.25, False),
        (5, "5.2", "MJ", date(2008, 7, 10), "2008 жылғы 10 шілде", None, "not started", "",
         3.0, 0.0, True),
        (6, "5.10", "AKIMATS_OBLASTS", date(2009, 12, 31), "2009 жылғы желтоқсан", None, "done",
         "AKIMATS_OBLASTS", None, None, False),
    ], "measure_no section agencies due_date deadline_text_kk deadline_quarter status "
       "reported_by planned_mln_tenge spent_mln_tenge overdue")


def _monitoring() -> pd.DataFrame:
    # early_warning and warning_level are marts.monitoring_warnings' (report_monitoring.sql)
    return _frame([
        (2, "75", "CONFLICTS", 9.0, 6.0, True, "warning"),
        (2, "75", "OUTREACH", 42.0, -3.0, False, None),
        (2, "15", "ADMIN_CASES", 7.0, 5.0, True, "warning"),
        (2, "35", "LIQUIDATED", None, None, False, "not reported"),
        (2, "31", "MEDIA", 1520.0, 120.0, False, None),
        (2, "35", "CONFLICTS", 3.0, 2.0, False, "watch"),
    ], "round region_code indicator_code value change_vs_previous early_warning warning_level")


def _names(rows: dict[str, tuple[str, str, str]], key: str) -> pd.DataFrame:
    return pd.DataFrame([(code, *names) for code, names in rows.items()],
                        columns=[key, "name_kk", "name_ru", "name_en"])


AGENCIES = {
    "MJ": ("Қазақстан Республикасы Әділет министрлігі",
           "Министерство юстиции Республики Казахстан",
           "Ministry of Justice of the Republic of Kazakhstan"),
    "MCI": ("Қазақстан Республикасы Мәдениет және ақпарат министрлігі",
            "Министерство культуры и информации Республики Казахстан",
            "Ministry of Culture and Information"),
    "MES": ("Қазақстан Республикасы Білім және ғылым министрлігі",
            "Министерство образования и науки Республики Казахстан",
            "Ministry of Education and Science"),
    "AKIMATS_OBLASTS": ("облыстардың әкімдіктері", "акиматы областей",
                        "akimats (local executive bodies) of the oblasts"),
    "EVIL": (MINUS, MINUS, MINUS),
}
REGIONS = {
    "15": ("Ақтөбе облысы", "Актюбинская область", "Aktobe Region"),
    "31": (DDE, DDE, DDE),
    "35": ("Қарағанды облысы", "Карагандинская область", "Karaganda Region"),
    "71": ("Астана қаласы", "город Астана", "Astana city"),
    "75": ("Алматы қаласы", "город Алматы", "Almaty city"),
}
INDICATORS = {
    "ADMIN_CASES": (SCRIPT, SCRIPT, SCRIPT),
    "CONFLICTS": ("Діни негіздегі жанжалдар", "Конфликты на религиозной почве",
                  "Conflicts on religious grounds"),
    "LIQUIDATED": ("Таратылған діни бірлестіктер", "Ликвидированные религиозные объединения",
                   "Liquidations of religious associations"),
    "MEDIA": (SPACED, SPACED, SPACED),
    "OUTREACH": ("Ақпараттық-түсіндіру іс-шаралары",
                 "Информационно-разъяснительные мероприятия", "Outreach events"),
}
OUTPUTS = {
    "conferences_regional": ("өңірлік конференциялар", "региональные конференции",
                             "regional conferences"),
    "bulletin_issues": ("бюллетень шығарылымдары", "выпуски бюллетеня", "bulletin issues"),
    "bulletin_copies": ("бюллетень таралымы", "тираж бюллетеня", "bulletin copies"),
    "video_films": (AT, AT, AT),
}


def sample_report(**changes) -> ReportData:
    """A small report for 2008H2; keyword arguments replace fields (e.g. an empty frame)."""
    data = ReportData(
        period="2008H2", period_start=date(2008, 7, 1), period_end=date(2008, 12, 31),
        generated_at=datetime(2009, 1, 15, 9, 30, tzinfo=UTC),
        build_number=7, built_at=datetime(2009, 1, 15, 9, 0),
        progress=_progress(),
        outputs=_frame([(4, "bulletin_copies", 1500.0), (4, "bulletin_issues", 1.0),
                        (4, "conferences_regional", 2.0), (6, "video_films", 3.0)],
                       "measure_no output_kind quantity"),
        scorecard=_frame([
            ("conferences_regional", "conferences", 8.0, 8.0, "achieved"),
            ("sociological_studies", "studies", 9.0, 5.0, "on track"),
            ("bulletin_issues", "issues", 12.0, 3.0, "behind"),
            ("bulletin_copies", "copies", 18000.0, 0.0, "not started")],
            "target_code unit planned achieved status"),
        budget=_frame([
            (2, 2008, "amount", 12.5, 4.25), (2, 2009, "amount", 20.0, None),
            (4, 2007, "amount", 400.0, 400.0), (4, 2008, "amount", 834.5, 587.25),
            (4, 2009, "state_order", None, None), (5, 2008, "not_required", None, None),
            (6, 2008, "none", None, None)],
            "measure_no year funding_kind planned_mln_tenge spent_mln_tenge"),
        budget_totals=_frame([
            ("2007", 400.0, 400.0, 400.0), ("2008", 847.0, 850.0, 591.5),
            ("2009", 20.0, 20.0, None), ("total", 1267.0, 1270.0, 991.5)],
            "year planned_mln_tenge printed_mln_tenge spent_mln_tenge"),
        monitoring=_monitoring(),
        not_reported=_frame([
            ("agency", "MCI", "progress", None, date(2009, 1, 10)),
            ("region", "31", "monitoring", 2, date(2009, 1, 10)),
            ("region", "71", "registrations", None, date(2009, 1, 1))],
            "kind code missing round due"),
        measures=_frame([
            (1, "5.1", "Қазақстан Республикасының дін туралы заңына өзгерістер жобасы",
             "Draft amendments to the Law on freedom of religion"),
            (2, "5.1", "Сараптама", DDE),
            (3, "5.1", "Мәдениет", SCRIPT),
            (4, "5.2", KAZAKH, ""),  # no English: shown in Kazakh, marked
            (5, "5.2", "Елге әкелінетін діни әдебиетке сараптама",
             "Expert review of religious literature imported into the country"),
            (6, "5.10", "Әр өңірде діни бірлестіктермен дөңгелек үстелдер",
             "Round tables with religious associations in every region")],
            "measure_no section title_kk title_en"),
        agencies=_names(AGENCIES, "agency_code").assign(abbreviation_kk=""),
        regions=_names(REGIONS, "region_code"),
        indicators=_names(INDICATORS, "indicator_code"),
        targets=_frame([
            ("bulletin_copies", "жалпы таралымы 18 мың дана бюллетень", "bulletin copies",
             "progress:bulletin_copies"),
            ("bulletin_issues", "жалпы таралымы 18 мың дана бюллетень", PLUS,
             "progress:bulletin_issues"),
            ("conferences_regional", "8 өңірлік конференция", "regional conferences",
             "progress:conferences_regional"),
            ("sociological_studies", "9 социологиялық зерттеу", "sociological studies",
             "studies")],
            "target_code description_kk description_en achieved_from"),
        output_kinds=_names(OUTPUTS, "output_kind"),
    )
    return replace(data, **changes)


FRAMES = ("progress", "outputs", "scorecard", "budget", "budget_totals", "monitoring",
          "not_reported")


def empty_report() -> ReportData:
    data = sample_report()
    return replace(data, **{name: getattr(data, name).iloc[0:0] for name in FRAMES})


class Page(HTMLParser):
    """What the tests look at: tags, attributes, the text a reader sees (not the stylesheet),
    headings; and a check that every element is closed in order."""

    VOID = {"meta", "br", "img", "hr", "link", "input", "col"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags, self.attrs, self.text = [], [], [], []
        self.headings: dict[str, list[str]] = {}
        self._heading: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag in ("h1", "h2", "h3"):
            self._heading = tag
            self.headings.setdefault(tag, []).append("")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        if tag == self._heading:
            self._heading = None

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            return
        self.text.append(data)
        if self._heading:
            self.headings[self._heading][-1] += data

    @property
    def visible(self) -> str:
        """The text, and the attributes a reader is shown (tooltips, accessible labels)."""
        shown = [value for _, name, value in self.attrs if name in ("title", "aria-label", "alt")]
        return " ".join([*self.text, *shown])


def record_labels(monkeypatch) -> dict[str, set[str]]:
    """From now on, each label key the renderers ask for, with the names of the values they
    give it (filled in as they render)."""
    given: dict[str, set[str]] = {}
    original = Language.t

    def recording(self, key, **values):
        given.setdefault(key, set()).update(values)
        return original(self, key, **values)

    monkeypatch.setattr(Language, "t", recording)
    return given
