"""Write the site of one source (a snapshot or the live warehouse) into a folder:

    index.html                 the language chooser
    kk/ ru/ en/                index.html (headlines, the map), marts/<mart>.html,
                               regions/<code>.html, changes.html
    assets/                    site.css, site.js and the vendored vega, vega-lite, vega-embed
    data/                      every mart as CSV, XLSX and Parquet (and datapackage.json)
    notebooks/                 the executed notebooks' HTML copies, when there are any

Pages hold their data inline (JSON in the page), so they open from disk with no server.
"""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from ahual.flows import datapackage, settings
from ahual.flows.problems import UsageError
from ahual.flows.site import charts, geo, tables
from ahual.flows.site.source import Source, open_live, open_snapshot, snapshots
from ahual.flows.snapshot import diff_folders
from ahual.warehouse import store

HERE = Path(__file__).parent
LANGUAGES = ("kk", "ru", "en")
VENDOR = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


@cache
def labels(lang: str) -> dict:
    return yaml.safe_load((HERE / "labels" / f"{lang}.yaml").read_text(encoding="utf-8"))


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["number"] = _number
    env.filters["day"] = _day
    return env


@pass_context
def _number(context, value: object, digits: int = 0) -> str:
    """1 234,5 in kk and ru, 1 234.5 in en (a thin space groups digits in all three)."""
    if value is None:
        return "—"
    text = f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,}"
    text = text.replace(",", "\u202f")
    return text if context.get("lang") == "en" else text.replace(".", ",")


@pass_context
def _day(context, value: object) -> str:
    """31.12.2009 in kk and ru (as the report writes dates), 2009-12-31 in en."""
    if value is None:
        return "—"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if context.get("lang") == "en" or not re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return text
    return ".".join(reversed(text.split("-")))


def _render(path: Path, template: str, **context) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(environment().get_template(template).render(**context), encoding="utf-8")


def _assets(out: Path) -> None:
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for name in (*VENDOR, "README.md", "LICENSE-vega.txt", "LICENSE-vega-lite.txt",
                 "LICENSE-vega-embed.txt"):
        shutil.copyfile(HERE / "vendor" / name, assets / name)
    for name in ("site.css", "site.js"):
        shutil.copyfile(HERE / name, assets / name)


def _published_rows(source: Source, mart: str) -> str:
    """Suppressed survey cells are never published, live as in snapshots (flows/snapshot.py;
    tests/e2e/test_published_privacy.py)."""
    columns = {c[0] for c in source.con.execute(f"DESCRIBE marts.{mart}").fetchall()}
    return "where not coalesce(suppressed, false)" if "suppressed" in columns else ""


def build(source: Source, out: Path, others: list[tuple[str, str]] | None = None) -> Path:
    """Write the site of `source` into `out` (replaced whole); return its index.html."""
    shutil.rmtree(out, ignore_errors=True)
    _assets(out)
    data = out / "data"
    data.mkdir(parents=True)
    mart_tables = {m: source.con.sql(store.query("snapshot_mart").format(
        mart=m, where=_published_rows(source, m))).to_arrow_table() for m in source.marts}
    for mart, table in mart_tables.items():
        parquet = source.folder / f"{mart}.parquet" if source.folder else None
        tables.write_downloads(table, mart, data, parquet)
    if source.folder and (source.folder / "datapackage.json").exists():
        # the whole package: with the reference tables its foreign keys point at
        for path in [source.folder / "datapackage.json",
                     *sorted(source.folder.glob("reference-*.csv"))]:
            shutil.copyfile(path, data / path.name)
    notebooks = _notebooks(out)
    regions = [r[0] for r in source.con.execute(store.query("site_regions")).fetchall()]
    changes = _changes(source)
    for lang in LANGUAGES:
        page = Page(source, lang, out, regions, notebooks, others or [])
        page.home()
        for mart, table in mart_tables.items():
            page.mart(mart, table)
        for region in regions:
            page.region(region)
        page.changes(changes)
    _render(out / "index.html", "choose.html.j2", source=source,
            languages=[(lang, labels(lang)) for lang in LANGUAGES])
    return out / "index.html"


def _notebooks(out: Path) -> list[str]:
    found = sorted(settings.home().notebooks.glob("*.html"))
    if found:
        (out / "notebooks").mkdir()
        for path in found:
            shutil.copyfile(path, out / "notebooks" / path.name)
    return [p.name for p in found]


def _changes(source: Source) -> list[str] | None:
    if source.folder is None or source.previous is None:
        return None
    return diff_folders(source.previous, source.folder)


class Page:
    """The pages of one language."""

    def __init__(self, source: Source, lang: str, out: Path, regions: list[str],
                 notebooks: list[str], others: list[tuple[str, str]]):
        self.source, self.lang, self.out = source, lang, out
        self.words = labels(lang).get("words") or {}
        self.regions, self.notebooks, self.others = regions, notebooks, others
        self.titles = {m: datapackage.titles(m)[lang] for m in source.marts}

    def _context(self, here: str, **more) -> dict:
        """What every template gets; `here` is the page's path inside its language folder."""
        depth = here.count("/")
        return {"t": labels(self.lang), "lang": self.lang, "source": self.source,
                "here": here, "up": "../" * depth, "root": "../" * (depth + 1),
                "titles": self.titles,
                "region_names": {r: tables.name_of(r, self.lang, "regions")
                                 for r in self.regions},
                "languages": LANGUAGES, "notebooks": self.notebooks, "others": self.others,
                "credit": labels(self.lang)["map_credit"], **more}

    def _words(self, text: object) -> str:
        """Documentation text with the codes it cites named (ALL -> Total, MI1 -> ...)."""
        return str(tables.shown(" ".join(str(text or "").split()), "", self.lang, self.words))

    def home(self) -> None:
        row = store.one(self.source.con, store.query("site_headlines"))
        found = self.source.con.execute(store.query("site_map")).fetchall()
        map_spec = vintage = day = None
        if found:
            day = found[0][0]
            values = {r[1]: r[3] for r in found}
            names = {code: tables.name_of(code, self.lang, "regions")
                     for code in geo.units("2024") + geo.units("2007")}
            links = {code: f"regions/{code}.html" for code in self.regions}
            title = labels(self.lang)["per_100k"]
            map_spec, vintage = charts.choropleth(values, day, self.lang, names, links, title)
        _render(self.out / self.lang / "index.html", "home.html.j2", **self._context(
            "index.html", headlines=row, map_spec=map_spec, vintage=vintage, map_day=day,
            map_units=len(geo.units(vintage)) if vintage else 0, figures=found,
            marts=self.source.marts))

    def mart(self, mart: str, table) -> None:
        spec = datapackage.mart_spec(mart)
        t = labels(self.lang)
        chart = charts.mart_chart(self.source.con, mart, spec.get("period_column"), self.lang,
                                  self.words, t)
        columns, rows = tables.page_rows(table, self.lang, self.words)
        kinds, references, models = tables.lineage(mart)
        inputs = [load for load in self.source.loads if load.kind in kinds]
        schema = {f.name: datapackage.field_type(f.type) for f in table.schema}
        _render(self.out / self.lang / "marts" / f"{mart}.html", "mart.html.j2",
                **self._context(f"marts/{mart}.html", mart=mart, spec=spec, chart=chart,
                                columns=columns, rows=rows, total=table.num_rows, schema=schema,
                                description=self._words(spec.get("description")),
                                described={c: self._words(d) for c, d in
                                           (spec.get("columns") or {}).items()},
                                inputs=inputs,
                                references=references, models=models, kinds=kinds,
                                validation=self.source.validation.get(mart),
                                prefect=_prefect_ui()))

    def region(self, code: str) -> None:
        con, params = self.source.con, {"region": code}

        def rows(name: str) -> list[tuple]:
            return con.execute(store.query(name), params).fetchall()

        registrations = rows("site_region_registrations")
        points = [{"x": r[0].isoformat(), "y": r[1]} for r in registrations
                  if r[1] is not None]
        t = labels(self.lang)
        chart = None
        if points:
            chart = {"$schema": charts.SCHEMA, "width": charts.WIDTH, "height": 220,
                     "data": {"values": points}, "mark": {"type": "line", "point": True,
                                                          "tooltip": True},
                     "encoding": {"x": {"field": "x", "type": "temporal", "title": t["date"],
                                        "axis": charts.YEARS},
                                  "y": {"field": "y", "type": "quantitative",
                                        "title": t["registrations"]}}}
        _render(self.out / self.lang / "regions" / f"{code}.html", "region.html.j2",
                **self._context(f"regions/{code}.html", code=code,
                                registrations=registrations, chart=chart,
                                index=rows("site_region_index"),
                                warnings=[(r[0], tables.name_of(r[1], self.lang, "indicators"),
                                           *r[2:5], self.words.get(r[5], r[5]))
                                          for r in rows("site_region_warnings")],
                                completeness=[(*r[:3], tables.shown(
                                    r[3], "", self.lang, self.words), self.words.get(
                                        r[4], r[4])) for r in rows("site_region_completeness")],
                                estimates=[(tables.name_of(r[0], self.lang, "studies"), r[1])
                                           for r in rows("site_region_estimates")],
                                words=self.words))

    def changes(self, lines: list[str] | None) -> None:
        _render(self.out / self.lang / "changes.html", "changes.html.j2",
                **self._context("changes.html", lines=[
                    str(tables.shown(line, "", self.lang, self.words)) for line in lines or []],
                    has_previous=lines is not None, validation=sorted(
                    self.source.validation.items())))


def _prefect_ui() -> str | None:
    """The Prefect UI's address (from the local server's API address), for links to runs."""
    path = settings.home().server_url_file
    if not path.exists():
        return None
    return path.read_text(encoding="utf-8").strip().removesuffix("/api")


def site_folder(name: str) -> Path:
    return settings.home().root / "site" / name



def build_sites(quarter: str | None = None, live: bool | None = None) -> list[Path]:
    """Build the sites asked for (default: every snapshot and the live warehouse) under
    AHUAL_HOME/site/<name>/, and AHUAL_HOME/site/index.html linking them; return the sites'
    index pages."""
    home = settings.home()
    folders = snapshots(home)
    if quarter is not None:
        folders = [f for f in folders if f.name == quarter]
        if not folders:
            raise UsageError(f"no snapshot of {quarter} in {home.snapshots}; take it with "
                             f"`ahual snapshot --quarter {quarter}`")
    with_live = live if live is not None else quarter is None
    names = [f.name for f in folders] + (["live"] if with_live else [])
    others = [(name, f"../{name}/index.html") for name in names]
    built = []
    for folder in folders:
        with open_snapshot(folder) as source:
            built.append(build(source, site_folder(folder.name), others))
    if with_live:
        with open_live() as source:
            built.append(build(source, site_folder("live"), others))
    every = sorted(p.name for p in (home.root / "site").iterdir()
                   if (p / "index.html").is_file())
    _render(home.root / "site" / "index.html", "sites.html.j2", sites=every)
    return built
