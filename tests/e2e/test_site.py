"""`ahual site` on the demo: every page of the snapshot's site opened in headless Chromium,
served by the site's own read-only server on 127.0.0.1 with every other host unresolvable; no
failed request, every chart drawn, the map filled for every unit of its vintage, kk/ru names and
no raw codes in the visible text; one figure followed from its page to its input file and its
validation page; the home page opened from disk with no network at all."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import subprocess
import threading
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from ahual.flows import resources
from ahual.flows.cli import main
from tests.browser import CHROMIUM, NO_CHROMIUM, keep, probe, screenshot

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
LANGUAGES = ("kk", "ru", "en")
# Opens CONFIG.pages one after another in an iframe (same origin: the site's server), waits
# for each page's charts, and records what a reader would get; the result goes into an
# attribute of the harness page, which --dump-dom prints.
HARNESS = r"""
var results = [];
var frame = document.createElement('iframe');
frame.style.width = '1300px'; frame.style.height = '900px';
document.body.appendChild(frame);
var escape = function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); };
var codes = new RegExp('(?<![\\w-])(' + CONFIG.codes.map(escape).join('|') + ')(?![\\w.-])', 'g');
function all(d, selector) { return Array.prototype.slice.call(d.querySelectorAll(selector)); }
function collect(url, w, d) {
  var text = d.body.innerText, found = [], m;
  codes.lastIndex = 0;
  while ((m = codes.exec(text)) && found.length < 5) {
    found.push(text.substr(Math.max(0, m.index - 40), 80));
  }
  var map = d.querySelector('section.map');
  return {
    url: url, title: d.title, codes: found,
    text: /index\.html$/.test(url) ? text : '',
    scripts: typeof w.vegaEmbed === 'function' && typeof w.vega === 'object'
      && d.documentElement.getAttribute('data-site-js') === 'yes',
    remote: w.performance.getEntriesByType('resource').map(function (e) { return e.name; })
      .filter(function (n) { return n.indexOf(w.location.origin + '/') !== 0; }),
    charts: all(d, '.chart').map(function (c) {
      return {drawn: c.getAttribute('data-drawn') === 'yes', error: c.getAttribute('data-error'),
              marks: c.querySelectorAll('svg g.role-mark > *').length};
    }),
    rows: all(d, 'table.data tbody tr').filter(function (r) { return !r.hidden; }).length,
    map_date: map ? map.getAttribute('data-date') : null,
    credit: map ? map.querySelector('.credit').textContent : null,
    map: map ? {base: all(map, 'g.layer_0_marks > path').length,
                fills: all(map, 'g.layer_1_marks > path').map(function (p) {
                  return p.getAttribute('fill'); })} : null,
    figures: all(d, 'tr[data-region]').map(function (r) {
      return {region: r.getAttribute('data-region'),
              count: r.querySelector('td:nth-child(2)').textContent.trim(),
              region_href: r.querySelector('a.region-link').getAttribute('href'),
              source_href: r.querySelector('a.source-link').getAttribute('href')};
    }),
    figure_cells: all(d, 'td.figure-cell').map(function (c) { return c.textContent.trim(); }),
    inputs: all(d, 'table.inputs tbody tr').map(function (r) {
      var link = r.querySelector('a.validation-link');
      return {id: r.id, file: r.querySelector('td.file').textContent,
              sha256: r.getAttribute('data-sha256'),
              validation_href: link ? link.getAttribute('href') : null};
    })
  };
}
function next(i) {
  if (i >= CONFIG.pages.length) {
    document.documentElement.setAttribute('data-probe', JSON.stringify(results));
    return;
  }
  frame.onload = function () {
    var w = frame.contentWindow, d = frame.contentDocument, tries = 0;
    (function wait() {
      var pending = all(d, '.chart').some(function (c) {
        return !c.hasAttribute('data-drawn') && !c.hasAttribute('data-error'); });
      if (pending && tries++ < 200) { setTimeout(wait, 50); return; }
      try { results.push(collect(CONFIG.pages[i], w, d)); }
      catch (error) { results.push({url: CONFIG.pages[i], error: String(error)}); }
      next(i + 1);
    })();
  };
  frame.src = CONFIG.pages[i];
}
next(0);
"""


def _reference(name: str) -> list[dict]:
    with (resources.reference() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _codes() -> list[str]:
    """Codes a reader should never see bare: those with a letter, of every reference table
    whose codes the marts hold (region codes are digits and numbers are everywhere)."""
    found = set()
    for name, key in (("confessions.csv", "confession_code"), ("indicators.csv",
                      "indicator_code"), ("monitoring_index_items.csv", "item_code"),
                      ("programme/agencies.csv", "agency_code"),
                      ("studies/studies.csv", "study_id")):
        found |= {r[key] for r in _reference(name) if re.search("[A-Z]", r[key])}
    return sorted(found, key=len, reverse=True)


def _units_on(day: date) -> dict[str, dict]:
    """First-level units in force on a day, from regions.csv (not from the site's geo code)."""
    return {r["region_code"]: r for r in _reference("regions.csv")
            if r["level"] != "national" and r["valid_from"] <= day.isoformat()
            and (not r["valid_to"] or day.isoformat() < r["valid_to"])}


@pytest.fixture(scope="module")
def site(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo snapshot's site, built once for the module into a folder of its own."""
    from ahual.flows.site.build import build
    from ahual.flows.site.source import open_snapshot

    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(demo_home))
    try:
        [folder] = [p for p in (demo_home / "snapshots").iterdir() if p.is_dir()]
        out = tmp_path_factory.mktemp("site") / folder.name
        with open_snapshot(folder) as source:
            build(source, out)
    finally:
        patch.undo()
    return out


@pytest.fixture(scope="module")
def browsed(site: Path) -> dict:
    """Every page, opened one after another in an iframe of a harness page, all served by the
    site's server; Chromium resolves no host but 127.0.0.1. Returns the server's request log
    and what the harness saw on each page."""
    from ahual.flows.site.serve import ReadOnly, server

    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if "harness" not in p.name)
    (site / "harness.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        "</head><body><script>"
        f"var CONFIG = {json.dumps({'pages': pages, 'codes': _codes()})};\n{HARNESS}"
        "</script></body></html>", encoding="utf-8")
    log: list[tuple[str, int]] = []

    class Logged(ReadOnly):
        def log_request(self, code="-", size="-") -> None:
            log.append((self.path, int(code)))

    httpd = server(site, 0, Logged)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        out = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             f"--user-data-dir={site.parent / 'chromium-profile'}",
             "--window-size=1300,900", "--virtual-time-budget=900000", "--dump-dom",
             f"http://127.0.0.1:{port}/harness.html"],
            capture_output=True, text=True, timeout=900).stdout
    finally:
        httpd.shutdown()
        httpd.server_close()
    found = re.search(r'data-probe="([^"]*)"', out)
    assert found, f"the harness did not finish: {out[-500:]}"
    seen = {page["url"]: page for page in json.loads(html.unescape(found.group(1)))}
    return {"log": log, "pages": seen, "port": port}


@needs_chromium
def test_every_page_opens_with_no_failed_or_remote_request(browsed, site):
    assert len(browsed["pages"]) >= 3 * 30  # home, tables, regions, changes in 3 languages
    failed = [(path, code) for path, code in browsed["log"] if code >= 400]
    assert failed == []
    for url, page in browsed["pages"].items():
        assert page["remote"] == [], (url, page["remote"])
        if url.startswith("notebooks/"):  # an executed notebook's own page, not a site page
            continue
        if url != "index.html":  # the language chooser has no script
            assert page["scripts"] is True, url  # vega, vega-lite, vega-embed, site.js ran
        assert page["title"], url
    asked = {unquote(urlparse(path).path).lstrip("/") for path, _ in browsed["log"]}
    assert {"assets/vega.min.js", "assets/vega-lite.min.js", "assets/vega-embed.min.js",
            "assets/site.css"} <= asked


@needs_chromium
def test_every_chart_is_drawn(browsed):
    charts = 0
    for url, page in browsed["pages"].items():
        for chart in page["charts"]:
            charts += 1
            assert chart["error"] is None, (url, chart["error"])
            assert chart["drawn"] and chart["marks"] > 0, (url, chart)
    assert charts >= 3 * 20


@needs_chromium
def test_the_map_fills_every_unit_of_its_vintage(browsed):
    for lang in LANGUAGES:
        page = browsed["pages"][f"{lang}/index.html"]
        day = date.fromisoformat(page["map_date"])
        units = _units_on(day)
        assert len(units) == 16 and "51" in units and "79" not in units  # the 2007 division
        assert page["map"]["base"] == len(units)
        fills = page["map"]["fills"]
        assert len(fills) == len(units), fills  # a value for every unit: none left grey
        assert all(f and f not in ("none", "#d9d9d9") for f in fills)
        assert len(set(fills)) > 3  # a scale, not one colour
        assert "OCHA COD-AB, CC BY 4.0" in page["credit"]


@needs_chromium
def test_kk_and_ru_pages_name_every_unit_and_show_no_raw_code(browsed):
    for lang in ("kk", "ru"):
        page = browsed["pages"][f"{lang}/index.html"]
        names = [u[f"name_{lang}"] for u in _units_on(date.fromisoformat(page["map_date"]))
                 .values()]
        text = page["text"]
        assert [n for n in names if n not in text] == []
        other = "name_ru" if lang == "kk" else "name_kk"
        assert sum(u[other] in text for u in _units_on(date(2009, 1, 1)).values()
                   if u[other] != u[f"name_{lang}"]) == 0
    for url, page in browsed["pages"].items():  # a notebook's page shows its code cells
        assert url.startswith("notebooks/") or page["codes"] == [], (url, page["codes"])
    kk = browsed["pages"]["kk/marts/monitoring_warnings.html"]
    assert kk["rows"] > 0 and kk["codes"] == []


@needs_chromium
def test_one_figure_traced_from_its_page_to_the_input_file_and_its_validation(browsed,
                                                                             site):
    """Kyzylorda's associations on the ru home page -> its region page shows the same figure
    -> the figure's source is a row of the table's lineage -> that row names the input file
    (its SHA-256 is the demo file's), the file holds the figure, and its validation page is
    the Data Docs page of that very file."""
    home = browsed["pages"]["ru/index.html"]
    [figure] = [f for f in home["figures"] if f["region"] == "43"]
    region = browsed["pages"]["ru/" + figure["region_href"]]
    assert figure["count"] in region["figure_cells"]
    target = urlparse(figure["source_href"])
    lineage = browsed["pages"]["ru/" + target.path]
    [row] = [r for r in lineage["inputs"] if r["id"] == target.fragment]
    [demo_file] = [p for p in resources.demo().rglob(row["file"])]
    assert row["sha256"] == hashlib.sha256(demo_file.read_bytes()).hexdigest()
    with demo_file.open(encoding="utf-8-sig", newline="") as handle:
        [line] = [r for r in csv.DictReader(handle) if r["region"] == "43"]
    assert int(figure["count"].replace("\u202f", "")) == int(line["Total"])
    page = Path(unquote(urlparse(row["validation_href"]).path))
    assert page.is_file()
    assert f"Data asset: {row['file']}" in page.read_text(encoding="utf-8")


@needs_chromium
def test_the_home_page_opens_from_disk_with_no_network(site, tmp_path):
    seen = probe(site / "kk" / "index.html", """
        var charts = Array.prototype.slice.call(document.querySelectorAll('.chart'));
        return {drawn: charts.filter(function (c) { return c.getAttribute('data-drawn'); })
                    .length, charts: charts.length,
                remote: performance.getEntriesByType('resource').map(function (e) {
                    return e.name; }).filter(function (n) { return !n.startsWith('file:'); })};
    """)
    assert seen["charts"] >= 1 and seen["drawn"] == seen["charts"]
    assert seen["remote"] == []
    png = tmp_path / "site-home.png"
    screenshot(site / "ru" / "index.html", png, height=1800)
    keep(png)


def test_downloads_hold_every_row_in_three_formats(site):
    import openpyxl
    import pyarrow.parquet as pq

    data = site / "data"
    table = pq.read_table(data / "monitoring_index.parquet")
    with (data / "monitoring_index.csv").open(encoding="utf-8") as handle:
        assert sum(1 for _ in handle) == table.num_rows + 1
    book = openpyxl.load_workbook(data / "monitoring_index.xlsx", read_only=True)
    cells = list(book.active.iter_rows(values_only=True))
    book.close()
    assert len(cells) == table.num_rows + 1
    assert list(cells[0]) == table.column_names
    first = table.slice(0, 1).to_pylist()[0]
    assert cells[1][table.column_names.index("region_code")] == first["region_code"]
    assert cells[1][table.column_names.index("index_value")] == first["index_value"]
    assert json.loads((data / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def test_an_unknown_quarter_is_a_usage_error(in_demo_home):
    assert main(["site", "--quarter", "1999Q1"]) == 2
    assert main(["site", "--quarter", "2009H1"]) == 2


def test_the_server_listens_on_localhost_only_and_is_read_only(site):
    import urllib.error
    import urllib.request

    from ahual.flows.site.serve import server

    httpd = server(site, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = httpd.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ru/index.html", timeout=30) as r:
            assert r.status == 200 and "Кызылординская" in r.read().decode("utf-8")
        for method in ("POST", "PUT", "DELETE"):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/ru/index.html",
                                             data=b"x", method=method)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            assert refused.value.code == 405
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert (site / "ru" / "index.html").is_file()
