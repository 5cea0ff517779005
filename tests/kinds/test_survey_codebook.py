"""A codebook CSV beside a .sav that contradicts the file's missing-value definitions (either
way) or its labels is refused, naming variable, code, the file's definition and the
codebook's; one that completes them (declaring a labelled "Refused" code missing) loads."""

from __future__ import annotations

from pathlib import Path

from ahual.flows.cli import main
from tests.helpers import write_csv
from tests.kinds.test_survey import estimate_of, refused, sample, write_sav

HEADER = ["variable", "code", "label_en", "label_ru", "missing"]
RULE = "codebook agrees with the file"


def sav_with_codebook(folder: Path, rows: list[list]) -> Path:
    """S01's sample as a .sav (q_believer: 1 Yes, 2 No, 8 Hard to say declared missing;
    q_confession: 99 Refused declared missing) with `rows` as its codebook CSV."""
    path = write_sav(folder / "s01.sav", sample())
    write_csv(folder / "s01.codebook.csv", [HEADER, *rows])
    return path


def test_a_substantive_code_declared_missing_by_the_codebook_is_refused(home, tmp_path,
                                                                          capsys):
    path = sav_with_codebook(tmp_path, [["q_believer", 1, "Yes", "Да", "yes"],
                                        ["q_believer", 8, "Hard to say", "Затрудняюсь", "yes"]])
    out, entry = refused(home, capsys, ["--study", "S01", str(path)], RULE)
    assert ("s01.codebook.csv, row 2, column «q_believer»: code 1 («Yes») of q_believer is an "
            "answer in s01.sav but a missing-value code in s01.codebook.csv (s01.sav declares 8 "
            "missing; s01.codebook.csv declares 1, 8 missing)") in out
    assert entry["side_files"] == {"codebook": "s01.codebook.csv"}


def test_a_declared_missing_code_given_as_an_answer_is_refused(home, tmp_path, capsys):
    # the codebook declares q_believer's missing codes itself, and 8 is not among them
    path = sav_with_codebook(tmp_path, [["q_believer", 2, "No", "Нет", "no"],
                                        ["q_believer", 8, "Hard to say", "Затрудняюсь", ""],
                                        ["q_believer", 9, "No answer", "Нет ответа", "yes"]])
    out, _ = refused(home, capsys, ["--study", "S01", str(path)], RULE)
    assert ("row 3, column «q_believer»: code 8 («Hard to say») of q_believer is a "
            "missing-value code in s01.sav but an answer in s01.codebook.csv (s01.sav "
            "declares 8 missing; s01.codebook.csv declares 9 missing)") in out


def test_an_explicit_not_missing_for_a_declared_missing_code_is_refused(home, tmp_path,
                                                                          capsys):
    path = sav_with_codebook(tmp_path, [["q_confession", 99, "Refused", "Отказ", "no"]])
    out, _ = refused(home, capsys, ["--study", "S01", str(path)], RULE)
    assert ("code 99 («Refused») of q_confession is a missing-value code in s01.sav but an "
            "answer in s01.codebook.csv (s01.sav declares 99 missing; s01.codebook.csv "
            "declares no code missing)") in out


def test_label_text_that_contradicts_the_file_is_refused(home, tmp_path, capsys):
    path = sav_with_codebook(tmp_path, [["q_attendance", 1, "Never", "Еженедельно", ""]])
    out, _ = refused(home, capsys, ["--study", "S01", str(path)], RULE)
    assert ("code 1 of q_attendance is «Weekly» in s01.sav but «Never» in s01.codebook.csv"
            ) in out


def test_a_codebook_completing_the_files_missing_codes_loads(home, tmp_path):
    """A labelled "Refused" code the file leaves undeclared may be declared by the codebook;
    the answers' shares then leave it out of the base."""
    frame = sample()
    labels = {"q_believer": {1.0: "Yes", 2.0: "No", 8.0: "Hard to say"},
              "q_confession": {1.0: "Islam", 2.0: "Orthodox", 99.0: "Refused"},
              "q_attendance": {1.0: "Weekly", 2.0: "Never"},
              "q_freedom": {1.0: "Fully", 2.0: "Partly"}, "sex": {1.0: "male", 2.0: "female"}}
    path = write_sav(tmp_path / "s01.sav", frame, labels=labels,
                     missing={"q_believer": [{"lo": 8.0, "hi": 8.0}]})
    write_csv(tmp_path / "s01.codebook.csv", [HEADER, ["q_confession", 99, "Refused", "Отказ",
                                                       "yes"]])
    assert main(["ingest", "survey", "--study", "S01", str(path)]) == 0
    answered = frame["q_confession"] != 99
    assert estimate_of(home, "S01", "q_confession", 1)[4] == answered.sum()
