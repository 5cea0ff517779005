"""Every notebook runs top to bottom against the demo warehouse as an analyst sees it: charts
drawn inline (a PNG under every cell that draws), names in the notebook's language, an executed
HTML copy in AHUAL_HOME/notebooks/; and a notebook opened from notebooks/ without AHUAL_HOME
finds the per-user default warehouse."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb"))
IDS = [path.stem for path in NOTEBOOKS]
# a cell that draws: shows a figure, makes one, or calls a helper that draws
DRAWS = re.compile(r"plt\.show\(\)|plt\.subplots\(|\btile_map\(|\binterval_chart\(|\.plot[.(]")
PNG_IMG = re.compile(r'<img[^>]*\ssrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"')
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def executed(demo_home: Path) -> dict:
    """Every notebook executed once with AHUAL_HOME = the demo's, by `execute_all` (which writes
    the HTML copies to AHUAL_HOME/notebooks/): name -> Executed."""
    from ahual.flows.notebook.execute import execute_all

    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(demo_home))
    try:
        done = execute_all(check=False)
    finally:
        patch.undo()
    return {item.source.stem: item for item in done}


def outputs(cell) -> list:
    return cell.get("outputs", [])


def test_the_notebooks_are_there():
    assert IDS == ["01-registrations", "02-studies", "03-monitoring", "04-programme",
                   "05-forecasts"]


@pytest.mark.parametrize("name", IDS)
def test_notebook_runs_without_errors(executed, name):
    item = executed[name]
    assert item.error is None, item.error
    errors = [o for c in item.notebook.cells for o in outputs(c) if o.output_type == "error"]
    assert not errors
    noise = [o.text for c in item.notebook.cells for o in outputs(c)
             if o.output_type == "stream" and o.name == "stderr"]
    assert not noise, f"{name} writes to stderr (a warning?):\n" + "\n".join(noise)


@pytest.mark.parametrize("name", IDS)
def test_every_chart_is_drawn_inline(executed, name):
    cells = executed[name].notebook.cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "matplotlib.use(" not in code and "Agg" not in code
    charts = [c for c in cells if c.cell_type == "code" and DRAWS.search(c.source)]
    assert len(charts) >= 2, f"{name} draws fewer than two charts"
    for cell in charts:
        pictures = [o for o in outputs(cell) if "image/png" in o.get("data", {})]
        assert pictures, f"{name}, cell {cell.id}: no inline chart under\n{cell.source}"
        assert base64.b64decode(pictures[0].data["image/png"]).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("name", IDS)
def test_a_demo_notebook_says_its_figures_are_made_up(executed, name):
    page = executed[name].html.read_text(encoding="utf-8")
    assert "ahual-demo-banner" in page
    assert any(words in page for words in ("made up", "вымышлены", "ойдан құрастырылған"))


@pytest.mark.parametrize("name", IDS)
def test_language_is_set_at_the_top(executed, name):
    first = next(c for c in executed[name].notebook.cells if c.cell_type == "code")
    assert re.match(r'LANG = "(kk|ru|en)"', first.source), first.source


@pytest.mark.parametrize("name", IDS)
def test_executed_html_copy(executed, demo_home, name):
    item = executed[name]
    assert item.html == demo_home / "notebooks" / f"{name}.html"
    page = item.html.read_text(encoding="utf-8")
    images = PNG_IMG.findall(page)
    charts = [c for c in item.notebook.cells if c.cell_type == "code" and DRAWS.search(c.source)]
    assert len(images) >= len(charts)
    assert all(base64.b64decode(re.sub(r"\s", "", image)).startswith(PNG_SIGNATURE)
               for image in images)
    assert 'src="http' not in page  # opens offline: nothing fetched from the internet


def test_03_monitoring_shows_the_warnings_of_monitoring_warnings(executed, demo_con):
    """03-monitoring outlines and lists marts.monitoring_warnings' early warnings (level
    warning, watch the lesser level), never a rule of its own: on the demo the planted warning
    (Kyzylorda, conflicts, round 3) and the counts to watch, in the notebook's language."""
    cells = executed["03-monitoring"].notebook.cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "early_warning" not in code.replace('words("early_warning")', "")
    assert "marts.monitoring_warnings" in code
    listed = next(c for c in cells if c.cell_type == "code" and "level IN ('warning', 'watch')"
                  in c.source)
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs(listed))
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)[1:]  # below the heading
    cells_shown = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in rows]
    expected = demo_con.execute(
        "SELECT w.round, r.region_name_ru, w.level FROM marts.monitoring_warnings AS w "
        "JOIN staging.stg_regions AS r USING (region_code) WHERE w.level IN ('warning', 'watch') "
        "ORDER BY w.round, w.level <> 'warning', w.p_value").fetchall()
    words = {"warning": "предупреждение", "watch": "наблюдение"}  # LANG = "ru"
    assert [(shown[0].split("-")[0], shown[1], shown[-1]) for shown in cells_shown] == [
        (str(r), region, words[level]) for r, region, level in expected]
    assert ("3", "Кызылординская область", "предупреждение") in [
        (shown[0].split("-")[0], shown[1], shown[-1]) for shown in cells_shown]


def test_every_code_has_a_name_in_every_language(in_demo_home):
    from ahual.flows.notebook import LANGUAGES, names

    for kind in ("region", "confession", "indicator", "agency", "study", "question", "measure",
                 "target"):
        for lang in LANGUAGES:
            named = names(kind, lang)
            assert len(named) and named.notna().all(), (kind, lang)
            assert (named.astype(str).str.strip() != "").all(), (kind, lang)
            assert not (named == named.index).any(), (kind, lang)  # a name, not its code


def test_the_tile_map_has_the_16_regions_of_2007(in_demo_home):
    from ahual.flows.notebook import TILES, query

    regions_2007 = set(query("""
        SELECT region_code FROM staging.stg_regions
        WHERE region_level IN ('oblast', 'city') AND valid_from <= DATE '2007-01-01'
          AND (valid_to IS NULL OR valid_to > DATE '2007-01-01')""")["region_code"])
    assert len(regions_2007) == 16
    assert set(TILES) == regions_2007
    assert len(set(TILES.values())) == 16  # one cell each


def test_every_word_is_in_every_language():
    from ahual.flows.notebook import LANGUAGES, WORDS, Words, setup

    assert {key for key, texts in WORDS.items() if sorted(texts) != sorted(LANGUAGES)} == set()
    assert {key for key, texts in WORDS.items() if not all(t.strip() for t in texts.values())} \
        == set()
    assert Words("kk")("associations") == "бірлестіктер саны"
    with pytest.raises(ValueError, match="kk, ru, en"):
        setup("de")


def test_notebook_opened_without_ahual_home_finds_the_default(demo_home, tmp_path, monkeypatch):
    """Jupyter started in notebooks/ with no AHUAL_HOME: the notebook reads the per-user default
    warehouse (here under a temporary XDG_DATA_HOME) and leaves nothing beside itself."""
    from ahual.flows import settings
    from ahual.flows.notebook.execute import execute

    monkeypatch.delenv("AHUAL_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user" / "data"))
    default = settings.default_home()
    assert default.is_relative_to(tmp_path)
    default.mkdir(parents=True)
    shutil.copy2(demo_home / "warehouse.duckdb", default / "warehouse.duckdb")
    before = sorted(p.name for p in (REPO / "notebooks").iterdir())

    item = execute(REPO / "notebooks" / "01-registrations.ipynb", settings.home().notebooks)

    assert item.error is None, item.error
    assert item.html == default.resolve() / "notebooks" / "01-registrations.html"
    assert PNG_IMG.search(item.html.read_text(encoding="utf-8"))
    assert sorted(p.name for p in (REPO / "notebooks").iterdir()) == before
