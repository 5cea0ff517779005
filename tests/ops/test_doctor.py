"""`ahual doctor` passes on a whole warehouse and names what is broken otherwise."""

from __future__ import annotations

import duckdb

from ahual.flows import settings
from ahual.flows.cli import main


def test_doctor_passes_on_the_demo_warehouse(demo_copy, capsys):
    assert main(["doctor"]) == 0
    assert "all checks passed" in capsys.readouterr().out


def test_doctor_finds_damage(demo_copy, capsys):
    with duckdb.connect(str(settings.home().published_warehouse)) as con:
        con.execute("DELETE FROM raw.registration_rows WHERE batch_id = 1 AND source_row = 2")
        con.execute("INSERT INTO raw.registration_rows SELECT 4242, source_row, source_column, "
                    "as_of, region_code, confession_code, associations, region_label, "
                    "confession_label, count_text FROM raw.registration_rows LIMIT 1")
        con.execute("DELETE FROM marts.registrations WHERE region_code = '75'")
    [entry] = list((settings.home().quarantine / "registrations").iterdir())
    (entry / "reason.txt").unlink()
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    for failed in ("batches without their rows", "rows without lineage",
                   "marts disagree with core", "quarantine entries without a reason"):
        assert f"FAIL {failed}" in out
    assert "reason.txt is missing" in out
