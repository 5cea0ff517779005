"""The scheduled flows run directly too: inbox ingest and the completeness check."""

from __future__ import annotations

from ahual.flows import resources, settings
from ahual.flows.cli import main
from ahual.flows.schedules import SCHEDULES
from tests.helpers import REPO, write_csv


def test_inbox_files_are_ingested_then_moved_aside(demo_copy):
    inbox = settings.home().inbox / "registrations"
    inbox.mkdir(parents=True)
    write_csv(inbox / "good.csv", [["as_of", "region", "confession", "associations"],
                                   ["2010-01-01", "Astana city", "ISL", "40"]])
    write_csv(inbox / "bad.csv", [["as_of", "region", "confession", "associations"],
                                  ["2010-01-01", "Atlantis", "ISL", "40"]])
    assert main(["inbox"]) == 1
    assert not list(inbox.glob("*.csv"))
    assert [p.name for p in inbox.glob("processed/*/*")] == ["good.csv"]
    assert [p.name for p in inbox.glob("rejected/*/*")] == ["bad.csv"]
    assert main(["inbox"]) == 0  # nothing waiting


def test_completeness_names_the_regions_that_have_not_reported(demo_copy, capsys):
    assert main(["completeness", "--period", "2008H2"]) == 0  # all 16 reported as of 2009-01-01
    assert main(["completeness", "--period", "2009H2"]) == 1  # nobody has, as of 2010-01-01
    out = capsys.readouterr().out
    assert "16 region(s) missing" in out and "75 Almaty city" in out
    assert main(["completeness", "--period", "2009H1"]) == 1
    assert "1 agency(ies) missing: MFA" in capsys.readouterr().out


def test_every_schedule_is_a_real_cron_in_almaty_time():
    from prefect.schedules import Cron

    for schedule in SCHEDULES:
        Cron(schedule.cron, timezone="Asia/Almaty")


def test_the_production_prefect_yaml_is_generated_from_the_schedules():
    import yaml

    from ahual.flows.schedules import prefect_yaml

    committed = (REPO / "flows" / "prefect.yaml").read_text(encoding="utf-8")
    assert committed == prefect_yaml(), "run `ahual deployments > flows/prefect.yaml`"
    spec = yaml.safe_load(committed)
    assert {d["name"] for d in spec["deployments"]} == {s.name for s in SCHEDULES}


def test_inbox_takes_monitoring_rounds_surveys_and_progress(demo_copy, capsys):
    inbox = settings.home().inbox
    demo = resources.demo()
    (inbox / "monitoring" / "round-3").mkdir(parents=True)
    (inbox / "survey" / "S02").mkdir(parents=True)
    (inbox / "progress").mkdir(parents=True)
    write_csv(inbox / "monitoring" / "round-3" / "atyrau.csv",
              [["region", "indicator", "value"], ["Atyrau Region", "CONFLICTS", "1"]])
    for name in ("S02.csv", "S02.codebook.csv"):
        (inbox / "survey" / "S02" / name).write_bytes((demo / "survey" / "S02" / name).read_bytes())
    write_csv(inbox / "progress" / "mfa-2009H1.csv",
              [["agency", "measure", "period", "status"], ["MFA", "1", "2009H1", "done"]])
    assert main(["inbox"]) == 0
    moved = sorted(p.relative_to(inbox).parts[0] for p in inbox.glob("**/processed/*/*"))
    assert moved == ["monitoring", "progress", "survey", "survey"]  # codebook moves along
    main(["completeness", "--period", "2009H1"])
    assert "2009H1: progress reports: all in" in capsys.readouterr().out  # MFA's has arrived
