"""What people look at, looked at: the Data Docs pages in headless Chromium with no network,
and the Prefect API's record of a rejected ingest. (The report: tests/report/; the notebooks:
test_notebooks.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ahual.flows import settings
from ahual.flows.cli import main
from tests.browser import CHROMIUM, NO_CHROMIUM, keep, screenshot
from tests.helpers import write_csv

BAD = [["as_of", "region", "confession", "associations"],
       ["2010-01-01", "Atlantis", "ISL-SAMK", "1"]]


@pytest.fixture
def rejected(home, tmp_path) -> dict:
    """A refused file's reason.json, after one ingest."""
    bad = write_csv(tmp_path / "atlantis-2010.csv", BAD)
    assert main(["ingest", "registrations", str(bad)]) == 1
    [entry] = list((settings.home().quarantine / "registrations").iterdir())
    return json.loads((entry / "reason.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_a_validation_page_is_styled_offline_and_names_its_file(rejected, tmp_path):
    from tests.browser import probe

    page = Path(rejected["attempts"][-1]["validation_page"])
    seen = probe(page, """
        var body = getComputedStyle(document.body);
        var navbar = document.querySelector('nav.navbar');
        return {font: body.getPropertyValue('font-family'),
                navbar: navbar ? getComputedStyle(navbar).getPropertyValue('position') : null,
                jquery: typeof window.jQuery !== 'undefined',
                text: document.body.innerText,
                remote: performance.getEntriesByType('resource').map(function (e) {
                    return e.name; }).filter(function (n) { return !n.startsWith('file:'); })};
    """)
    assert "Times" not in seen["font"] and "apple-system" in seen["font"]  # Bootstrap's stack
    assert seen["navbar"] == "sticky" and seen["jquery"]
    assert seen["remote"] == []
    assert "Data asset: atlantis-2010.csv" in seen["text"]
    assert "__none__" not in seen["text"]
    png = tmp_path / "data-docs-validation.png"
    screenshot(page, png, height=1200)
    keep(png)


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_the_data_docs_index_lists_every_validation_by_file_offline(rejected):
    from tests.browser import probe

    index = settings.home().data_docs_index
    seen = probe(index, """
        var rows = [];  // every row of the table, not only its first page
        jQuery('table[data-toggle="table"], .bootstrap-table table').each(function () {
            try {
                (jQuery(this).bootstrapTable('getData') || []).forEach(function (row) {
                    rows.push(JSON.stringify(row)); });
            } catch (error) {
                rows.push('error: ' + error);
            }
        });
        return rows;
    """)
    assert any("atlantis-2010.csv" in row for row in seen), seen
    assert any("national_registrations_1990_2007.csv" in row for row in seen), seen


def test_the_prefect_api_records_a_rejected_ingest_as_rejected(rejected, prefect_harness):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(rejected["attempts"][-1]["flow_run_id"])
    assert run.state.type.value == "FAILED" and run.state.name == "Rejected"
    assert "atlantis-2010.csv" in run.state.message
    assert str(settings.home().quarantine) in run.state.message


def test_a_usage_error_never_becomes_a_flow_run(home, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        before = client.read_flow_runs(sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=1)
    assert main(["report", "--period", "2008-H2"]) == 2
    with get_client(sync_client=True) as client:
        after = client.read_flow_runs(sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=1)
    assert [r.id for r in after] == [r.id for r in before]


def test_the_demos_refused_file_is_a_rejected_run_under_the_completed_demo(demo_home,
                                                                          prefect_harness):
    """The demo refuses one file on purpose: its inputs run ends Rejected (red in the UI, the
    file named), under the demo run, which completes because it expected exactly that."""
    from prefect.client.orchestration import get_client

    [reason] = [json.loads(p.read_text(encoding="utf-8"))
                for p in (demo_home / "quarantine" / "registrations").glob("*/reason.json")]
    assert reason["file"] == "2009-07-01_zhambyl_has-errors.csv"
    with get_client(sync_client=True) as client:
        inputs = client.read_flow_run(reason["attempts"][-1]["flow_run_id"])
        parent = client.read_task_run(inputs.parent_task_run_id)
        demo = client.read_flow_run(parent.flow_run_id)
        flow_names = {r.flow_id: client.read_flow(r.flow_id).name for r in (inputs, demo)}
    assert (inputs.state.type.value, inputs.state.name) == ("FAILED", "Rejected")
    assert "2009-07-01_zhambyl_has-errors.csv" in inputs.state.message
    assert (demo.state.type.value, demo.state.name) == ("COMPLETED", "Completed")
    assert [flow_names[inputs.flow_id], flow_names[demo.flow_id]] == ["demo-inputs", "demo"]
