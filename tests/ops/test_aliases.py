"""Unknown label -> map it once -> retry, end to end on a copy of the demo: a Kazakh report
writing «Орыс православие шіркеуі» is quarantined, `ahual aliases unknown` lists it with the
code a close label has, `ahual aliases add` records the alias in AHUAL_HOME/aliases.csv (who,
when, why) and re-ingests the file from quarantine, and the alias is then part of the build's
fingerprint, of marts.local_aliases and of the snapshot manifest."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ahual.flows.cli import main
from ahual.flows.ops import aliases
from ahual.flows.reading.vocabulary import overlay_file, reference_vocabulary, vocabulary
from tests.helpers import ingest, write_csv

LABEL = "Орыс православие шіркеуі"  # the reference knows «Орыс православ шіркеуі»


def kazakh_report(folder: Path, label: str = LABEL, name: str = "2010-01-01_karaganda_kk.csv"
                  ) -> Path:
    """A demo-like regional report in Kazakh (long layout), made up for the test."""
    rows = [["Күні", "Өңір", "Конфессия", "Саны", "Ескерту"]]
    for confession, count in (("ҚМДБ", 151), (label, 27), ("Рим-католик шіркеуі", 6),
                              ("Баптистер", 14), ("Барлығы", 203)):
        rows.append(["01.01.2010", "Қарағанды облысы", confession, count, "TEST DATA: made up"])
    return write_csv(folder / name, rows)


def published(home: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def quarantined(demo_copy: Path, tmp_path: Path) -> Path:
    """The demo home with the Kazakh report refused for its unknown label."""
    report = kazakh_report(tmp_path)
    result = ingest("registrations", [report])
    [outcome] = result.outcomes
    assert outcome.status == "rejected"
    assert {p.rule for p in outcome.problems} == {"known confession"}
    return report


def test_the_loop_runs_end_to_end(quarantined, demo_copy, capsys):
    # 1. the unknown label is listed, with the code a close known label has
    assert main(["--json", "aliases", "unknown"]) == 0
    listed = json.loads(capsys.readouterr().out)["labels"]
    mine = [u for u in listed if u["label"] == LABEL]
    assert mine == [{**mine[0], "kind": "confession", "files": [quarantined.name],
                     "input_kinds": ["registrations"], "suggested_code": "ORT-ROC",
                     "suggested_label": "Орыс православ шіркеуі"}]
    assert not overlay_file().exists()  # nothing is mapped until the analyst says so

    # 2. map it once: the overlay records who, when and why, and the file is re-ingested
    code = main(["aliases", "add", "confession", LABEL, "ORT-ROC", "--who", "A. Analyst",
                 "--why", "Kazakh reports of Karaganda write the Russian Orthodox Church so"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"added     confession «{LABEL}» -> ORT-ROC" in out
    assert f"loaded    {quarantined.name}" in out
    assert "retried: 1 loaded, 0 refused again" in out
    overlay = (demo_copy / "aliases.csv").read_text(encoding="utf-8").splitlines()
    assert overlay[0] == "kind,code,alias,lang,who,when,why"
    assert overlay[1].startswith(f"confession,ORT-ROC,{LABEL},,A. Analyst,20")
    assert overlay[1].endswith(",Kazakh reports of Karaganda write the Russian Orthodox Church so")

    # the figures are in the published marts, from the kept copy, under the same load
    rows = published(demo_copy, "SELECT confession_code, associations, source_file "
                     "FROM marts.registrations WHERE as_of = DATE '2010-01-01' "
                     "AND region_code = '35' ORDER BY confession_code")
    assert ("ORT-ROC", 27, quarantined.name) in rows
    [entry] = [e for e in aliases.quarantined(loaded=set()) if e.file == quarantined.name]
    assert published(demo_copy, "SELECT count(*) FROM raw.load_batches WHERE load_key = ?",
                     [entry.record["load_key"]]) == [(1,)]
    assert LABEL not in [u.label for u in aliases.unknown_labels().labels]

    # 3. the figure traces to the alias behind it: marts.local_aliases, the build, the manifest
    [alias] = published(demo_copy, "SELECT kind, alias, code, added_by, why, cells_resolved, "
                        "files FROM marts.local_aliases")
    assert alias[:5] == ("confession", LABEL, "ORT-ROC", "A. Analyst",
                         "Kazakh reports of Karaganda write the Russian Orthodox Church so")
    assert alias[5] == 1 and alias[6] == quarantined.name
    import hashlib

    [hashes] = published(demo_copy, "SELECT model_hashes FROM raw.builds "
                         "ORDER BY build_id DESC LIMIT 1")
    overlay_sha = hashlib.sha256((demo_copy / "aliases.csv").read_bytes()).hexdigest()
    assert json.loads(hashes[0])["reference.local_aliases"] == overlay_sha

    from datetime import date

    from ahual.flows.periods import Period
    from ahual.flows.snapshot import write_files

    today = date.today()
    now = Period.parse(f"{today.year}Q{(today.month - 1) // 3 + 1}")
    manifest = write_files(now, demo_copy / "manifest-now")
    assert manifest["aliases_overlay"]["sha256"] == overlay_sha
    assert manifest["aliases_overlay"]["rows"][0]["alias"] == LABEL
    assert manifest["files"]["local_aliases.parquet"]["rows"] == 1
    # a closed quarter's snapshot holds only the aliases added by its end: it still reproduces
    earlier = write_files(Period.parse("2010Q1"), demo_copy / "manifest-2010Q1")
    assert earlier["files"]["local_aliases.parquet"]["rows"] == 0


def test_refusals_write_nothing(demo_copy, capsys):
    cases = [
        (["aliases", "add", "study", "S1", "S01", "--why", "x"], "has no vocabulary"),
        (["aliases", "add", "confession", LABEL, "ORT-RCO", "--why", "x"], "no confession has"),
        (["aliases", "add", "confession", "Ислам", "ORT-ROC", "--why", "x"], "already means ISL"),
        (["aliases", "add", "region", "Алматы", "75", "--why", "x"], "deliberately not"),
        (["aliases", "add", "region", "Ислам", "75", "--why", "x"], "known confession label"),
        (["aliases", "add", "confession", LABEL, "ORT-ROC", "--why", "  "], "--why is required"),
        (["aliases", "add", "confession", LABEL, "ORT-ROC"], "--why"),  # typer: missing option
    ]
    for argv, said in cases:
        assert main(argv) == 2, argv
        captured = capsys.readouterr()
        assert said in captured.err + captured.out, argv
    assert not overlay_file().exists()


def test_a_suggestion_is_never_applied_and_a_typo_code_gets_only_a_hint(demo_copy, capsys):
    assert vocabulary("confession").resolve(LABEL) is None  # close, but not guessed
    assert main(["aliases", "add", "confession", LABEL, "ort-roc", "--why", "x"]) == 2
    assert "close codes: ORT-ROC, " in capsys.readouterr().err


def test_a_label_already_meaning_the_code_changes_nothing(demo_copy, capsys):
    assert main(["aliases", "add", "confession", "Орыс православ шіркеуі", "ORT-ROC",
                 "--why", "x"]) == 0
    assert "already means ORT-ROC" in capsys.readouterr().out
    assert not overlay_file().exists()


def test_the_overlay_belongs_to_its_home(home, tmp_path, monkeypatch):
    """`functools.cache` must not carry one AHUAL_HOME's aliases into another."""
    added = aliases.add_alias("confession", LABEL, "ORT-ROC", why="test", who="t")
    assert added.written and vocabulary("confession").resolve(LABEL) == "ORT-ROC"
    assert reference_vocabulary("confession").resolve(LABEL) is None  # the reference is intact
    monkeypatch.setenv("AHUAL_HOME", str(tmp_path / "another-home"))
    assert vocabulary("confession").resolve(LABEL) is None
    monkeypatch.setenv("AHUAL_HOME", str(home))
    assert vocabulary("confession").resolve(LABEL) == "ORT-ROC"
    # a second alias is seen at once (the cache is keyed by the overlay's bytes)
    aliases.add_alias("region", "Карагандинская обл-ть", "35", why="test", who="t")
    assert vocabulary("region").resolve("карагандинская обл-ть") == "35"
    # a hand-edited overlay contradicting the reference is refused with its row, not ignored
    with open(overlay_file(), "a", encoding="utf-8") as handle:
        handle.write("confession,ISL,Православие,,t,2026-01-01T00:00:00,wrong\n")
    from ahual.flows.reading.vocabulary import OverlayError

    with pytest.raises(OverlayError, match="row 4"):
        vocabulary("confession")


def test_a_file_with_other_problems_waits_with_its_reasons(demo_copy, tmp_path, capsys):
    """The demo's Zhambyl file is refused for a misspelt region *and* bad counts: mapping the
    region does not retry it, and says it still breaks other rules."""
    assert main(["aliases", "add", "region", "Zhambl Region", "31", "--why", "typo"]) == 0
    out = capsys.readouterr().out
    assert "no quarantined file is waiting only on labels that are known now" in out
    assert ("refused   2009-07-01_zhambyl_has-errors.csv uses «Zhambl Region» but also breaks: "
            "count is a non-negative integer, «-» or empty") in out
    assert [r for r in aliases.retryable() if r.entry.file.startswith("2009-07-01")] == []
