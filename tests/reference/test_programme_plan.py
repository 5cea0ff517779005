"""The programme's action plan (section 8 of Resolution No. 1185) is transcribed faithfully.

`datasets/reference/programme/` holds the 23 measures, their agencies, planned money per year,
the printed totals and the expected results (section 7) as targets. These tests hold the
transcription to the facts the design brief states, and hold every Kazakh text and every
amount to the seed itself: the seed is a PDF extraction (letters spaced out, words hyphenated
at line ends, table cells broken across lines and pages), so both sides are compared on a
normalised form, and a cell that a page break split must be found in a few long pieces, in
order, within its own rows of the table.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
PROGRAMME = REPO / "datasets" / "reference" / "programme"
SEED = REPO.parent / "shared" / "seed" / "programme_2007_2009_kk.txt"

FUNDING_KINDS = {"amount", "not_required", "state_order", "none"}
PRINTED_KIND = {"not_required": "Талап етілмейді",
                "state_order": "Мемлекеттік тапсырыс шеңберінде",
                "none": "-"}

# Independent of the CSVs: what the table says, read off the seed by hand.
SECTIONS = {"5.1": range(1, 6), "5.2": range(6, 18), "5.3": range(18, 21), "5.4": range(21, 24)}

# measure -> (2007, 2008, 2009): an amount in mln tenge, or N (not required), S (state order),
# "-" (none)
N, S, X = "not_required", "state_order", "none"
BUDGET = {
    1: (N, N, N), 2: (N, N, N), 3: (N, N, N), 4: (X, X, X), 5: (N, N, N),
    6: (X, "5.836", "19.323"), 7: (X, "2.0", "10.0"), 8: (X, "2.7", "6.0"),
    9: (X, "4.8", "6.0"), 10: (N, N, N), 11: (S, S, S), 12: (X, X, "1.5"), 13: (X, X, "3.6"),
    14: (N, N, X), 15: (N, N, N), 16: (N, N, N), 17: (N, N, N), 18: ("68.1", X, X),
    19: (X, "12.268", "24.577"), 20: (X, X, S), 21: (S, S, S), 22: (X, "4.0", "7.0"),
    23: (N, N, N),
}

AGENCIES = {
    1: "MJ MCI MES MFA MIA", 2: "AKIMATS_OBLASTS AKIMATS_CITIES", 3: "MCI", 4: "MJ MCI", 5: "MJ",
    6: "MJ MES MFA MCI MIA AKIMATS_OBLASTS AKIMATS_CITIES",
    7: "MJ AKIMATS_OBLASTS AKIMATS_CITIES", 8: "MJ", 9: "MJ AKIMATS_OBLASTS AKIMATS_CITIES",
    10: "MJ MCI MES MFA AKIMATS_OBLASTS AKIMATS_CITIES",
    11: "MCI MJ AKIMATS_OBLASTS AKIMATS_CITIES", 12: "MCI MJ AKIMATS_OBLASTS AKIMATS_CITIES",
    13: "MCI MJ AKIMATS_OBLASTS AKIMATS_CITIES", 14: "MCI AKIMATS_CITIES",
    15: "MJ MF MIA MCI AKIMATS_OBLASTS AKIMATS_CITIES", 16: "MJ MFA MIA", 17: "MJ MES MFA",
    18: "MJ", 19: "MJ AKIMATS_OBLASTS AKIMATS_CITIES", 20: "MJ MES",
    21: "ACSA MJ MES AKIMATS_OBLASTS AKIMATS_CITIES", 22: "MJ MES AKIMATS_OBLASTS AKIMATS_CITIES",
    23: "MES MJ",
}

# measure -> (year from, year to, quarter, due date) for the deadlines that are one point in time
DEADLINES = {
    3: (2008, 2008, "1", "2008-03-31"), 4: (2008, 2008, "4", "2008-12-31"),
    5: (2007, 2007, "4", "2007-12-31"), 12: (2009, 2009, "", "2009-12-31"),
    13: (2009, 2009, "", "2009-12-31"), 14: (2008, 2008, "1", "2008-03-31"),
    16: (2008, 2008, "1", "2008-03-31"), 17: (2008, 2008, "", "2008-07-20"),
    18: (2007, 2007, "", "2007-12-31"), 20: (2009, 2009, "", "2009-11-30"),
}

TARGETS = {
    "sociological_studies": 9, "monitoring_rounds": 3, "conferences_republican": 4,
    "conferences_regional": 8, "conferences_international": 4, "bulletin_issues": 12,
    "bulletin_copies": 18000, "literature_titles": 15, "literature_copies": 52000,
    "video_films": 6, "video_clips": 6, "outreach_groups": 15,
}


# --- normalising the seed ---------------------------------------------------------------------

def despace(line: str) -> str:
    """Undo letter-spacing: «Қ а з а қ с т а н  Р е с п» -> «Қазақстан Респ» (a run of single
    characters separated by single spaces is one word; wider gaps separate words)."""
    tokens = re.split(r"(\s{2,})", line.strip())
    out = []
    for token in tokens:
        if token.isspace():
            out.append(" ")
            continue
        parts = token.split(" ")
        if len(parts) >= 2 and all(len(p) == 1 for p in parts):
            out.append("".join(parts))
        else:
            out.append(token)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def norm(text: str) -> str:
    """Comparison form: lower case, no whitespace, no hyphen between two letters (the seed
    hyphenates words at line ends); a «-» cell next to a digit or another «-» survives."""
    text = re.sub(r"\s+", "", text.lower())
    return re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", text)


def pieces(needle: str, hay: str, max_pieces: int = 3, min_piece: int = 5,
           min_gap: int = 10) -> list[str] | None:
    """Find `needle` in `hay` as at most `max_pieces` long pieces, in order, each piece after
    the last separated by at least `min_gap` characters of other cells (a page break inside a
    table row). A typo or dropped letter leaves a short piece or a tiny gap and fails."""
    found, at, i = [], 0, 0
    while i < len(needle):
        lo, hi = 0, len(needle) - i
        while lo < hi:  # longest prefix of needle[i:] present in hay[at:]
            mid = (lo + hi + 1) // 2
            if hay.find(needle[i:i + mid], at) >= 0:
                lo = mid
            else:
                hi = mid - 1
        if lo == 0 or (lo < min_piece and i + lo < len(needle)):
            return None
        start = hay.find(needle[i:i + lo], at)
        if found and start - at < min_gap:
            return None
        found.append(needle[i:i + lo])
        at, i = start + lo, i + lo
        if len(found) > max_pieces:
            return None
    return found


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def seed_norm(seed_lines) -> str:
    return norm("\n".join(seed_lines))


@pytest.fixture(scope="module")
def rows(seed_lines) -> dict[int, str]:
    """Measure -> normalised text of the table from the previous measure's number to the next
    one's (a row broken by a page break starts before its number, or ends after the next)."""
    start = next(i for i, line in enumerate(seed_lines)
                 if "іс-шаралар жоспары" in line and line.strip().startswith("8."))
    end = next(i for i, line in enumerate(seed_lines) if line.strip() == "Жиыны:")
    marks = {}
    for i in range(start, end):
        match = re.fullmatch(r"(\d{1,2})\.", seed_lines[i].strip())
        if match and 1 <= int(match[1]) <= 23 and int(match[1]) not in marks:
            marks[int(match[1])] = i
    assert sorted(marks) == list(range(1, 24)), "the seed's table should number 23 measures"
    bounds = {0: start, **marks, 24: end}
    return {n: norm("\n".join(seed_lines[bounds[n - 1]:bounds[n + 1] + 1])) for n in range(1, 24)}


@pytest.fixture(scope="module")
def expected_results(seed_lines) -> str:
    """Section 7 of the seed, normalised."""
    start = next(i for i, line in enumerate(seed_lines) if line.strip().startswith("7. Бағдарл"))
    end = next(i for i, line in enumerate(seed_lines) if line.strip().startswith("8. Бағдарл"))
    return norm("\n".join(seed_lines[start:end]))


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(PROGRAMME / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def measures() -> pd.DataFrame:
    return read("measures").set_index("measure_no", drop=False)


@pytest.fixture(scope="module")
def budget() -> pd.DataFrame:
    return read("budget")


# --- the helpers themselves -------------------------------------------------------------------

def test_normalising_undoes_the_pdf_extraction():
    assert despace("      Қ а з а қ с т а н  Р е с п у б л и к а с ы н ы ң  ") == \
        "Қазақстан Республикасының"
    assert despace("2 0 0 7  ж ы л ғ ы  5  ж е л т о қ с а н д а ғ ы") == \
        "2007 жылғы 5 желтоқсандағы"
    assert norm("Респуб- \nликасы") == norm("Республикасы")
    assert norm("- 5,836 19,323") == "-5,83619,323"
    assert pieces(norm("кеңестің кеңейтілген"), norm("жөнінде- г і  кеңестің  кеңейтілген"))
    assert pieces(norm("кеңестің кеңейтілген"), norm("кеңестің кеңейтілмеген")) is None
    assert pieces("abcdefghijklmnop", "abcdefgh" + "x" * 20 + "ijklmnop") == ["abcdefgh",
                                                                           "ijklmnop"]
    assert pieces("abcdefghijklmnop", "abcdefghXijklmnop") is None  # a one-letter slip


def test_the_seed_is_the_shared_one(seed_lines):
    assert SEED.is_file()
    assert any("іс-шаралар жоспары" in line for line in seed_lines)


# --- measures ---------------------------------------------------------------------------------

def test_twenty_three_measures_in_four_sections(measures):
    assert measures["measure_no"].tolist() == [str(n) for n in range(1, 24)]
    for section, numbers in SECTIONS.items():
        got = measures.loc[measures["section"] == section, "measure_no"].astype(int).tolist()
        assert got == list(numbers), section
    assert set(measures["section"]) == set(SECTIONS)
    assert measures.groupby("section")["section_title_kk"].nunique().eq(1).all()


def test_section_titles_are_the_tables_headings(measures, seed_norm):
    titles = measures.drop_duplicates("section").set_index("section")["section_title_kk"]
    assert len(titles) == 4
    for section, title in titles.items():
        assert norm(title) in seed_norm, section
    # 5.1's heading in section 5 reads the same as in the table
    assert titles["5.1"].startswith("Жаңа қоғамдық-саяси жағдайда")


@pytest.mark.parametrize("no", range(1, 24))
def test_each_measure_text_is_in_its_row_of_the_seed(measures, rows, no):
    row = measures.loc[str(no)]
    for column in ("title_kk", "completion_form_kk", "agencies_kk", "deadline_text_kk"):
        text = row[column]
        assert text.strip() and "\n" not in text, column
        assert text == re.sub(r"\s+", " ", text).strip(), f"{column}: stray spaces"
        assert pieces(norm(text), rows[no]), f"measure {no} {column} not in the seed: {text!r}"
    for column in ("title_en", "completion_form_en"):
        assert row[column].strip() and re.search(r"[A-Za-z]", row[column])


def test_every_agency_used_is_listed_and_in_the_seeds_order(measures):
    agencies = read("agencies")
    assert agencies["agency_code"].is_unique
    assert agencies["agency_code"].str.fullmatch(r"[A-Z_]+").all()
    assert set(agencies["kind"]) <= {"central", "local", "other"}
    used = {code for cell in measures["agencies"] for code in cell.split(";")}
    assert used <= set(agencies["agency_code"])
    for no, expected in AGENCIES.items():
        assert measures.loc[str(no), "agencies"].split(";") == expected.split(), no


def test_agency_codes_match_the_printed_cells(measures):
    agencies = read("agencies").set_index("agency_code")
    for no, row in measures.iterrows():
        printed = norm(row["agencies_kk"])
        for code in row["agencies"].split(";"):
            abbreviation = agencies.loc[code, "abbreviation_kk"]
            if abbreviation:
                assert norm(abbreviation) in printed, (no, code)
            else:
                assert "әкімдік" in printed, (no, code)
        assert ("облыс" in printed) == ("AKIMATS_OBLASTS" in row["agencies"].split(";")), no


def test_agency_names_are_the_seeds_own_expansions(seed_norm):
    agencies = read("agencies")
    listed = agencies[agencies["abbreviation_kk"] != ""]
    assert set(listed["abbreviation_kk"]) == {"Әділетмині", "МАМ", "БҒМ", "Қаржымині", "СІМ",
                                              "ІІМ", "МҚА"}
    for _, row in listed.iterrows():
        assert norm(f"{row['abbreviation_kk']} - {row['name_kk']}") in seed_norm
    for column in ("name_ru", "name_en"):
        assert agencies[column].str.strip().ne("").all()


def test_deadlines(measures):
    for no, (y0, y1, quarter, due) in DEADLINES.items():
        row = measures.loc[str(no)]
        assert (int(row["deadline_year_from"]), int(row["deadline_year_to"]),
                row["deadline_quarter"], row["due_date"], row["deadline_known"]) == \
            (y0, y1, quarter, due, "yes"), no
    assert set(measures["deadline_known"]) == {"yes", "partial"}
    assert set(measures["deadline_quarter"]) <= {"", "1", "2", "3", "4"}
    assert measures["due_date"].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all()
    for _, row in measures.iterrows():
        assert 2007 <= int(row["deadline_year_from"]) <= int(row["deadline_year_to"]) <= 2009
        if row["deadline_quarter"]:
            assert "тоқсаны" in row["deadline_text_kk"]
    recurring = measures[measures["deadline_text_kk"].str.startswith("Жыл сайын")]
    assert recurring["measure_no"].astype(int).tolist() == [1, 6, 7, 8, 9, 10, 11, 15, 19, 21,
                                                           22]
    assert recurring["deadline_note"].str.startswith("annually").all()


def test_measure_23_keeps_its_unknown_quarter_unknown(measures, rows):
    row = measures.loc["23"]
    assert row["deadline_quarter"] == ""
    assert row["due_date"] == ""
    assert row["deadline_known"] == "partial"
    assert row["deadline_note"] == "quarter not given in the source (2008, quarter ?)"
    assert (row["deadline_year_from"], row["deadline_year_to"]) == ("2008", "2008")
    assert "2008жылдыңтоқсаны" in rows[23]  # the seed really has no quarter number there
    assert (measures["deadline_known"] == "partial").sum() == 1


# --- money ------------------------------------------------------------------------------------

def test_every_measure_has_three_budget_rows(budget):
    assert len(budget) == 69
    counts = budget.groupby("measure_no")["year"].apply(sorted)
    assert counts.index.astype(int).sort_values().tolist() == list(range(1, 24))
    assert all(years == ["2007", "2008", "2009"] for years in counts)


def test_funding_kinds_are_four_and_never_zero(budget):
    assert set(budget["funding_kind"]) <= FUNDING_KINDS
    has_amount = budget["planned_mln_tenge"] != ""
    assert (has_amount == (budget["funding_kind"] == "amount")).all()
    amounts = budget.loc[has_amount, "planned_mln_tenge"].map(Decimal)
    assert (amounts > 0).all()
    for kind, printed in PRINTED_KIND.items():
        assert (budget.loc[budget["funding_kind"] == kind, "printed_text"] == printed).all()


def test_budget_cells_are_as_read_from_the_table(budget):
    table = budget.set_index(["measure_no", "year"])
    for no, cells in BUDGET.items():
        for year, cell in zip(("2007", "2008", "2009"), cells, strict=True):
            row = table.loc[(str(no), year)]
            if cell in FUNDING_KINDS:
                assert (row["funding_kind"], row["planned_mln_tenge"]) == (cell, ""), (no, year)
            else:
                assert row["funding_kind"] == "amount", (no, year)
                assert Decimal(row["planned_mln_tenge"]) == Decimal(cell), (no, year)


@pytest.mark.parametrize("no", [n for n, cells in BUDGET.items()
                                if any(c not in FUNDING_KINDS for c in cells)])
def test_each_amount_is_printed_in_its_row(budget, rows, no):
    cells = budget[budget["measure_no"] == str(no)].sort_values("year")
    for _, cell in cells[cells["funding_kind"] == "amount"].iterrows():
        assert Decimal(cell["printed_text"].replace(",", ".")) == \
            Decimal(cell["planned_mln_tenge"])
    # the three year cells of an amount row are printed together, 2007 2008 2009 in order
    printed = " ".join(cells["printed_text"])
    assert norm(printed) in rows[no], f"measure {no}: {printed!r} not in its row"
    # and the money comes from the republican budget
    assert norm("Республикалық бюджет") in norm(cells["funding_source_kk"].iloc[0])


def test_funding_sources_are_printed_in_the_row(budget, rows):
    for no, cells in budget.groupby("measure_no"):
        sources = set(cells["funding_source_kk"])
        assert len(sources) == 1, no
        for source in sources.pop().split(";"):
            if source.strip() and source.strip() != "-":
                # measure 21 breaks «Жер- / гілікті» across the page: a 3-letter piece
                assert pieces(norm(source), rows[int(no)], min_piece=3), (no, source)


def test_state_order_and_not_required_cells_are_in_their_rows(budget, rows):
    for _, cell in budget[budget["funding_kind"].isin(["state_order", "not_required"])].iterrows():
        assert pieces(norm(cell["printed_text"]), rows[int(cell["measure_no"])]), cell.to_dict()


def test_yearly_sums_match_the_printed_totals(budget, seed_norm):
    totals = read("budget_totals").set_index("year")
    assert totals.index.tolist() == ["2007", "2008", "2009", "total"]
    assert totals["printed_mln_tenge"].tolist() == ["68.1", "31.6", "78.0", "177.7"]
    amounts = budget[budget["funding_kind"] == "amount"].assign(
        value=lambda t: t["planned_mln_tenge"].map(Decimal))
    sums = amounts.groupby("year")["value"].sum()
    for year in ("2007", "2008", "2009"):
        tolerance = Decimal(totals.loc[year, "tolerance_mln_tenge"])
        assert tolerance == Decimal("0.05")
        assert abs(sums[year] - Decimal(totals.loc[year, "printed_mln_tenge"])) <= tolerance
    assert math.isclose(float(sums["2008"]), 31.604, abs_tol=1e-9)
    assert sums["2008"] == Decimal("31.604")
    assert sums["2007"] == Decimal("68.1") and sums["2009"] == Decimal("78.0")
    grand = sums.sum()
    assert abs(grand - Decimal("177.7")) <= Decimal(totals.loc["total", "tolerance_mln_tenge"])
    assert Decimal(totals.loc["total", "printed_mln_tenge"]) == Decimal("177.7")
    # the totals are the seed's: section 6 and the table's last line
    assert norm("177,7 млн. теңге") in seed_norm
    assert norm("2007 жылға - 68,1 млн. теңге, 2008 жылға - 31 ,6 млн. теңге, "
                "2009 жылға - 78 млн. теңге") in seed_norm
    assert norm("Жиыны: Республикалық бюджет Барлығы: 6 8 , 1 68,1 3 1 , 6 31,6 "
                "7 8 , 0 78,0 177,7 177,7") in seed_norm


# --- targets ----------------------------------------------------------------------------------

def test_targets_are_the_expected_results(expected_results):
    targets = read("targets").set_index("target_code")
    assert targets.index.tolist() == list(TARGETS)
    assert {code: int(v) for code, v in targets["planned"].items()} == TARGETS
    assert targets["unit"].str.strip().ne("").all()
    assert targets["description_en"].str.strip().ne("").all()
    for code, row in targets.iterrows():
        assert norm(row["description_kk"]) in expected_results, code
        planned = TARGETS[code]
        printed = str(planned // 1000) + "мыңдана" if planned >= 1000 else str(planned)
        assert printed in norm(row["description_kk"]), code


def test_targets_say_where_achievement_comes_from(measures):
    targets = read("targets").set_index("target_code")
    assert targets.loc["sociological_studies", "achieved_from"] == "studies"
    assert targets.loc["monitoring_rounds", "achieved_from"] == "monitoring"
    for code in TARGETS:
        if code not in ("sociological_studies", "monitoring_rounds"):
            assert targets.loc[code, "achieved_from"] == f"progress:{code}"
    expected = {"sociological_studies": "19", "monitoring_rounds": "19",
                "conferences_republican": "6", "conferences_regional": "6",
                "conferences_international": "6", "bulletin_issues": "8",
                "bulletin_copies": "8", "literature_titles": "22", "literature_copies": "22",
                "video_films": "9", "video_clips": "9", "outreach_groups": "7"}
    assert targets["measure_nos"].to_dict() == expected
    numbers = set(measures["measure_no"])
    assert all(set(v.split(";")) <= numbers for v in targets["measure_nos"])


# --- the files as the warehouse loads them ----------------------------------------------------

@pytest.mark.parametrize("name", ["measures", "agencies", "budget", "budget_totals", "targets"])
def test_files_are_plain_one_line_records(name):
    path = PROGRAMME / f"{name}.csv"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    table = read(name)
    assert len(raw.decode("utf-8").strip().splitlines()) == len(table) + 1  # no multi-line cell
    assert table.columns.str.fullmatch(r"[a-z_0-9]+").all()
    for column in table.columns:
        assert not table[column].str.contains(r"^\s|\s$", regex=True).any(), (name, column)


# --- occurrences of the recurring measures (measure_occurrences.csv) ---------------------------

# The wording of a recurring deadline -> how it recurs (read off the seed's deadline cells).
RECURRING = (
    (r"Жыл сайын ?20 қаңтарға және 20 шілде(ге|де)", "half-yearly"),
    (r"Жыл сайын ?20 қаңтарға", "yearly"),
    (r"\d{4}-\d{4} жылдар тоқсан сайын", "quarterly"),
)


def recurrence(text: str) -> str | None:
    return next((kind for pattern, kind in RECURRING if re.fullmatch(pattern, text)), None)


@pytest.fixture(scope="module")
def occurrences() -> pd.DataFrame:
    return read("measure_occurrences")


@pytest.fixture(scope="module")
def calendar() -> pd.DataFrame:
    return read("reporting_periods").set_index("period")


def _day(text: str):
    return pd.Timestamp(text).date()


def test_every_recurring_measure_and_only_those_has_occurrences(measures, occurrences):
    expected = {int(no): kind for no, text in measures["deadline_text_kk"].items()
                if (kind := recurrence(text))}
    assert sorted(expected) == [1, 2, 6, 7, 8, 9, 10, 11, 15, 19, 21, 22]
    got = occurrences.groupby(occurrences["measure_no"].astype(int))["recurrence"].agg(set)
    assert {no: kinds.pop() for no, kinds in got.items() if len(kinds) == 1} == expected
    for no, group in occurrences.groupby("measure_no"):
        assert group["occurrence_no"].astype(int).tolist() == list(range(1, len(group) + 1)), no


def test_each_rule_carries_the_seeds_wording(measures, occurrences, rows):
    for _, occurrence in occurrences.iterrows():
        no = occurrence["measure_no"]
        assert occurrence["deadline_text_kk"] == measures.loc[no, "deadline_text_kk"], no
        assert pieces(norm(occurrence["deadline_text_kk"]), rows[int(no)]), no
        assert occurrence["rule_en"].strip(), no


def test_half_yearly_occurrences_are_the_reporting_half_years(occurrences, calendar, seed_norm):
    # the resolution: the Ministry of Justice informs the Government «жыл сайын 20 қаңтарға
    # және 20 шілдеге» on the programme's progress; the half-yearly measures' information is that
    assert norm("Әділет министрлігі жыл сайын 20 қаңтарға және 20 шілдеге Қазақстан "
                "Республикасының Үкіметіне") in seed_norm
    half = occurrences[occurrences["recurrence"] == "half-yearly"]
    assert half["measure_no"].nunique() == 8
    for _, group in half.groupby("measure_no"):
        assert group["period"].tolist() == calendar.index.tolist()
        for _, occurrence in group.iterrows():
            period = calendar.loc[occurrence["period"]]
            assert (occurrence["window_start"], occurrence["window_end"]) == \
                (period["period_start"], period["period_end"])
            due = _day(occurrence["due_date"])
            end = _day(occurrence["window_end"])
            # 20 January after a second half-year, 20 July after a first one
            assert (due.month, due.day) == ((1, 20) if end.month == 12 else (7, 20))
            assert 0 < (due - end).days < 31
            assert occurrence["due_date"] == period["government_report_by"]


def test_yearly_occurrences_are_due_by_20_january_after_each_year(measures, occurrences,
                                                                   calendar):
    yearly = occurrences[occurrences["recurrence"] == "yearly"]
    first_day = calendar["period_start"].min()
    for no, group in yearly.groupby("measure_no"):
        years = range(int(measures.loc[no, "deadline_year_from"]),
                      int(measures.loc[no, "deadline_year_to"]) + 1)
        assert group["window_end"].tolist() == [f"{y}-12-31" for y in years], no
        assert group["due_date"].tolist() == [f"{y + 1}-01-20" for y in years], no
        # a year before the programme's first half-year counts from that half-year
        assert group["window_start"].tolist() == [max(f"{y}-01-01", first_day) for y in years]
        assert group["period"].tolist() == [f"{y}H2" for y in years], no


def test_quarterly_occurrences_tile_2008_and_2009(occurrences):
    quarterly = occurrences[occurrences["recurrence"] == "quarterly"]
    assert set(quarterly["measure_no"]) == {"2"}
    starts = [_day(d) for d in quarterly["window_start"]]
    ends = [_day(d) for d in quarterly["window_end"]]
    assert starts[0].isoformat() == "2008-01-01" and ends[-1].isoformat() == "2009-12-31"
    assert len(starts) == 8
    for start, end, next_start in zip(starts, ends, starts[1:] + [None], strict=True):
        assert start.day == 1 and start.month in (1, 4, 7, 10)
        assert next_start is None or (next_start - end).days == 1  # no gap, no overlap
    # the plan names no day: a quarter is due by its last day, as a one-off quarter deadline is
    assert quarterly["due_date"].tolist() == quarterly["window_end"].tolist()


def test_each_occurrence_lies_in_the_half_year_that_reports_it(occurrences, calendar):
    for _, occurrence in occurrences.iterrows():
        period = calendar.loc[occurrence["period"]]
        assert period["period_start"] <= occurrence["window_end"] <= period["period_end"]
        assert occurrence["window_start"] <= occurrence["window_end"]
        assert occurrence["window_start"] >= calendar["period_start"].min()
        assert occurrence["due_date"] >= occurrence["window_end"]


# --- the outcome the passport expects (outcome_targets.csv) ------------------------------------

@pytest.fixture(scope="module")
def passport(seed_lines) -> str:
    start = next(i for i, line in enumerate(seed_lines)
                 if line.strip() == "1. Бағдарламаның паспорты")
    end = next(i for i, line in enumerate(seed_lines) if line.strip() == "2. Кіріспе")
    return norm("\n".join(seed_lines[start:end]))


def test_outcome_targets_quote_the_passport_and_section_7(passport, expected_results):
    outcomes = read("outcome_targets").set_index("target_code")
    assert outcomes.index.tolist() == ["outcome_violations", "outcome_conflicts"]
    for code, row in outcomes.iterrows():
        wording = norm(row["description_kk"])
        assert wording in passport and wording in expected_results, code
        assert "азаяды" in wording and "алдыңғыкезеңгеқарағанда" in wording, code
        assert row["direction"] == "fall" and row["unit"] == "cases"
        assert row["note"].strip() and row["description_en"].strip()


def test_outcome_targets_count_monitoring_indicators(passport):
    outcomes = read("outcome_targets").set_index("target_code")
    indicators = pd.read_csv(REPO / "datasets" / "reference" / "indicators.csv", dtype=str,
                             keep_default_na=False).set_index("indicator_code")
    used = {code for cell in outcomes["indicator_codes"] for code in cell.split(";")}
    assert used <= set(indicators.index)
    # violations: the cases that are by name breaches of the law on religious associations
    # («заңды бұзу»); conflicts: the conflicts on religious grounds; inciting hatred (a Criminal
    # Code offence) is in neither
    violations = outcomes.loc["outcome_violations", "indicator_codes"].split(";")
    assert all("заңды бұзу" in indicators.loc[c, "name_kk"] for c in violations)
    conflicts = outcomes.loc["outcome_conflicts", "indicator_codes"].split(";")
    assert [indicators.loc[c, "name_en"] for c in conflicts] == ["Conflicts on religious grounds"]
    assert "HATRED_CASES" not in used
    assert "бұзушылықтармендінитұрғыдағықақтығыстардыңсаны" in passport


@pytest.mark.parametrize("name", ["measure_occurrences", "outcome_targets"])
def test_new_files_are_plain_one_line_records(name):
    test_files_are_plain_one_line_records(name)
