"""`ahual status` on the demo warehouse."""

from __future__ import annotations

from ahual.flows.cli import main


def test_status_says_who_has_not_reported_by_name(in_demo_home, capsys):
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "Atyrau Region" in out and "MFA" in out
    assert "Studies with microdata loaded: 9 of 9" in out
    assert "Published build" in out and "Snapshots" in out


def test_status_as_json_for_scripts(in_demo_home, capsys):
    import json

    assert main(["status", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert {"period": "2009H1", "agencies": "MFA"} in facts["progress_missing"]
    assert facts["monitoring_missing"] == [{"round": 3, "regions": "23 Atyrau Region"}]
    assert facts["studies"] == {"with_microdata": 9, "registered": 9}
    assert facts["published"]["build_id"] >= 1 and facts["snapshots"]
    assert facts["behind"] is None
