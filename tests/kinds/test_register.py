"""`ahual ingest register`: the BIN check digit, the parser's kk/ru/en headers and encodings,
refusals named by file, row and rule, and personal data refused and never stored."""

from __future__ import annotations

import json

import duckdb
import pytest

from ahual.flows import settings
from ahual.flows.cli import main
from ahual.flows.kinds import kind
from ahual.flows.kinds.register.bin import bin_problem, is_iin, with_check_digit
from tests.helpers import write_csv, write_xlsx

HEADER = ["as_of", "bin", "name_ru", "name_kk", "legal_form", "confession", "region", "kato",
          "registered_on", "reregistered_on", "liquidated_on", "liquidation_reason"]
BIN_A = with_check_digit("08014000123")
BIN_B = with_check_digit("09024000456")
IIN = next(n for n in (with_check_digit(f"85031540{i:03d}") for i in range(100)) if n)
GOOD = [HEADER,
        ["2013-01-01", BIN_A, "Мечеть «Нур» (Каратал)", "«Нұр» мешіті (Қаратал)", "local",
         "ISL-SAMK", "Kostanay Region", "391000001", "2001-03-04", "2012-02-01", "", ""],
        ["2013-01-01", BIN_B, "Церковь «Сион» (Актал)", "", "branch", "Баптисты", "39", "",
         "2005-06-07", "", "2012-09-01", "не прошло перерегистрацию"]]


def published(sql: str, params=None):
    with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def first_sum(number: str) -> int:
    return sum(int(c) * w for c, w in zip(number[:11], range(1, 12), strict=True)) % 11


def test_a_single_wrong_digit_breaks_the_check_digit():
    numbers = [with_check_digit(f"0801400{i:04d}") for i in range(200)]
    checked = [n for n in numbers if n and first_sum(n) != 10]
    assert len(checked) > 100
    for number in checked:
        assert bin_problem(number) is None
        for i in range(10):  # weights 1..10 are distinct and non-zero mod 11: one changed
            for d in "0123456789":  # digit is caught unless it sends the sum to the second
                changed = number[:i] + d + number[i + 1:]
                if changed != number and first_sum(changed) != 10:
                    assert bin_problem(changed) is not None, changed


def test_bins_and_iins_are_told_apart():
    assert bin_problem(BIN_A) is None
    assert "check digit" in bin_problem(BIN_A[:11] + str((int(BIN_A[11]) + 1) % 10))
    assert "12 digits" in bin_problem("12345")
    assert is_iin(IIN) and bin_problem(IIN) is not None  # a person's number is no BIN
    assert not is_iin(BIN_A)  # a BIN's 5th digit (4-6) is never a day's tens


def test_the_parser_reads_kazakh_headers_from_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "kk.xlsx", [
        ["Үзінді күні", "БСН", "Толық атауы", "Ұйымдық-құқықтық нысаны", "Конфессиясы",
         "Облыс", "Тіркелген күні"],
        ["01.01.2013", BIN_A, "«Нұр» мешіті", "жергілікті", "Ислам", "Қостанай облысы",
         "04.03.2001"]])
    records = kind("register").parse(path, kind("register").options()).tables[
        "register_records"]
    row = records.iloc[0]
    assert (row["legal_form"], row["confession_code"], row["region_code"]) == (
        "local", "ISL", "39")
    assert str(row["registered_on"].date()) == "2001-03-04" and row["name_kk"] == "«Нұр» мешіті"


def test_a_good_extract_loads_through_the_pipeline_and_its_history_answers(home, tmp_path):
    russian = GOOD[:1] + [r[:3] + [""] + r[4:] for r in GOOD[1:]]  # cp1251 has no kk letters
    path = write_csv(tmp_path / "kostanay.csv", russian, encoding="cp1251", delimiter=";")
    assert main(["ingest", "register", str(path)]) == 0
    assert published("SELECT count(*) FROM raw.register_records")[0][0] == 2
    history = published("SELECT status, valid_from::varchar, valid_to::varchar FROM "
                        "marts.register_history WHERE legal_form = 'local' ORDER BY valid_from")
    assert history == [("registered", "2001-03-04", "2012-02-01"),
                       ("re-registered", "2012-02-01", None)]
    liquidated = published("SELECT status FROM marts.register_history WHERE legal_form = "
                           "'branch' ORDER BY valid_from")
    assert liquidated == [("registered",), ("liquidated",)]


def test_a_bad_extract_is_refused_whole_by_file_row_and_rule(home, tmp_path, capsys):
    rows = GOOD + [
        ["2013-01-01", BIN_A[:11] + str((int(BIN_A[11]) + 1) % 10), "Мечеть «Иман»", "",
         "local", "ISL-SAMK", "39", "", "2002-01-01", "", "", ""],
        ["2013-01-01", "", "Церковь «Агапе»", "", "local", "PRO-BAP", "39", "", "2008-05-01",
         "", "2007-01-01", ""],
        ["2013-01-01", "", "Община «Самал»", "", "local", "Martians", "39", "", "2003-01-01",
         "", "", ""],
        ["2013-01-01", "", "Мечеть «Береке»", "", "local", "ISL", "Shymkent city", "",
         "2004-01-01", "", "", ""],
        ["2013-01-01", "", "Мечеть «Сауле»", "", "shop", "ISL", "39", "", "2004-01-01", "",
         "", ""]]
    path = write_csv(tmp_path / "bad.csv", rows)
    assert main(["ingest", "register", str(path)]) == 1
    out = capsys.readouterr().out
    for expected in ("bad.csv, row 4: BIN", "check digit (the 12th) is wrong",
                     "row 5: liquidated on 2007-01-01, before its registration on 2008-05-01",
                     "row 6: unknown confession «Martians»",
                     "row 7: «Shymkent city» was not a region on the extract's date",
                     "row 8: unknown legal form «shop»"):
        assert expected in out
    assert published("SELECT count(*) FROM raw.register_records")[0][0] == 0


@pytest.mark.parametrize("header, cells", [
    ("Руководитель", ["Иванов Иван Иванович", "Петров Пётр"]),
    ("Жетекшінің аты-жөні", ["Ахметов Асқар", "Серікова Айгүл"]),
    ("old_number", [IIN, "1234-1939-РО"]),  # a declared column holding a person's IIN
])
def test_personal_data_is_refused_and_never_stored(home, tmp_path, capsys, header, cells):
    rows = [GOOD[0] + [header]] + [r + [c] for r, c in zip(GOOD[1:], cells, strict=True)]
    path = write_csv(tmp_path / "people.csv", rows)
    assert main(["ingest", "register", str(path)]) == 1
    out = capsys.readouterr().out
    assert "no personal data" in out and header in out
    assert published("SELECT count(*) FROM raw.register_records")[0][0] == 0
    stored = json.dumps(published("SELECT * FROM raw.rejections"), default=str,
                        ensure_ascii=False)
    [entry] = list((settings.home().quarantine / "register").iterdir())
    reasons = "".join(p.read_text(encoding="utf-8") for p in entry.glob("reason.*"))
    for cell in cells[:1]:
        assert cell not in stored and cell not in reasons and cell not in out
    # not even the refused file's bytes are kept: nothing under the home holds the value
    assert not (entry / "received").exists()
    assert "holds personal data" in (entry / "reason.txt").read_text(encoding="utf-8")
    held = [f for f in settings.home().root.rglob("*") if f.is_file()
            and cells[0].encode() in f.read_bytes()]
    assert held == []
