"""Vega-Lite specifications for the site: one chart per mart (from warehouse/queries/
site_chart_<mart>.sql, or its rows by date) and the choropleth of regions. Every data set is
inline in the specification: the vendored vega-embed then fetches nothing."""

from __future__ import annotations

from datetime import date

import duckdb

from ahual.flows.site import geo
from ahual.flows.site.tables import shown
from ahual.warehouse import store

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier, never fetched
WIDTH, HEIGHT = 640, 280

# mart -> (mark, type of x, what x is (a label of labels/<lang>.yaml), column whose codes x
# holds, column whose codes the series holds)
CHARTS = {
    "registrations": ("line", "temporal", "date", None, "confession_family"),
    "registration_rates": ("bar", "nominal", "region", "region_code", None),
    "monitoring_indicators": ("bar", "ordinal", "round", None, "indicator_code"),
    "monitoring_index": ("bar", "nominal", "region", "region_code", None),
    "monitoring_warnings": ("bar", "ordinal", "round", None, "level"),
    "association_forecasts": ("line", "temporal", "date", None, "confession_family"),
    "programme_budget": ("bar", "ordinal", "year", None, "series"),
    "study_estimates": ("bar", "nominal", "answer", None, None),
}
# A date axis shows years, never month names (vega's are English only).
YEARS = {"format": "%Y", "tickCount": "year"}


def _has_query(name: str) -> bool:
    return (store.MODELS / "queries" / f"{name}.sql").exists()


def mart_chart(con: duckdb.DuckDBPyConnection, mart: str, period_column: str | None,
               lang: str, words: dict[str, str], t: dict[str, str]) -> dict | None:
    """The mart's chart; `t` is the page's wording (labels/<lang>.yaml)."""
    if mart in CHARTS and _has_query(f"site_chart_{mart}"):
        mark, x_type, x_label, x_codes, series_codes = CHARTS[mart]
        result = con.execute(store.query(f"site_chart_{mart}"))
    elif period_column:
        mark, x_type, x_label, x_codes, series_codes = "bar", "ordinal", "date", None, None
        sql = store.query("site_chart_rows").format(mart=mart, column=period_column)
        result = con.execute(sql)
    else:
        return None
    columns = [d[0] for d in result.description]
    rows = []
    for record in result.fetchall():
        row = dict(zip(columns, record, strict=True))
        x = row.get(f"x_{lang}", row.get("x"))
        point = {"x": shown(x, x_codes or "", lang, words) if x_codes or isinstance(x, str)
                 else _plain(x), "y": _plain(row["y"])}
        if "series" in row:
            point["series"] = shown(row["series"], series_codes or "", lang, words)
        rows.append(point)
    if not rows:
        return None
    if x_type == "temporal":
        x_type = "temporal" if all(isinstance(r["x"], str) for r in rows) else "ordinal"
    titles = {"x": t.get(x_label, ""), "y": t["value"]}
    encoding = {"x": {"field": "x", "type": x_type, "title": titles["x"],
                      **({"sort": None} if x_type == "nominal" else {}),
                      **({"axis": YEARS} if x_type == "temporal" else {})},
                "y": {"field": "y", "type": "quantitative", "title": titles["y"]},
                "tooltip": [{"field": "x", "title": titles["x"]},
                            {"field": "y", "title": titles["y"], "format": ",.4~r"}]}
    if "series" in rows[0]:
        encoding["color"] = {"field": "series", "type": "nominal", "title": None}
        encoding["tooltip"].insert(0, {"field": "series", "title": " "})
        if mark == "bar":
            encoding["xOffset"] = {"field": "series"}
    return {"$schema": SCHEMA, "width": WIDTH, "height": HEIGHT, "data": {"values": rows},
            "mark": {"type": mark, "tooltip": True, **({"point": True} if mark == "line"
                                                       else {})},
            "encoding": encoding, "config": {"locale": {}}}


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) or value is None:
        return value
    return float(value) if hasattr(value, "as_integer_ratio") else str(value)


def choropleth(values: dict[str, float | None], day: date, lang: str, names: dict[str, str],
               links: dict[str, str], title: str) -> tuple[dict, str]:
    """A map of the units in force on `day` (every unit drawn; those without a value grey).
    Returns the spec and the vintage."""
    which = geo.vintage(day)
    features = []
    for feature in geo.features(which):
        code = feature["properties"]["region_code"]
        value = values.get(code)
        features.append({**feature, "properties": {
            "region_code": code, "name": names.get(code, code), "value": value,
            "shown": "" if value is None else f"{value:,.1f}".replace(",", "\u202f"),
            "href": links.get(code, "")}})
    base = {"mark": {"type": "geoshape", "fill": "#d9d9d9", "stroke": "#ffffff",
                     "strokeWidth": 0.8},
            "encoding": {"tooltip": [{"field": "properties.name", "title": " "}]}}
    filled = {"transform": [{"filter": "datum.properties.value != null"}],
              "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.8,
                       "cursor": "pointer"},
              "encoding": {"color": {"field": "properties.value", "type": "quantitative",
                                     "title": title, "scale": {"scheme": "blues"}},
                           "href": {"field": "properties.href"},
                           "tooltip": [{"field": "properties.name", "title": " "},
                                       {"field": "properties.shown", "title": title}]}}
    spec = {"$schema": SCHEMA, "width": WIDTH, "height": 380,
            "projection": {"type": "mercator"}, "data": {"values": features},
            "layer": [base, filled]}
    return spec, which
