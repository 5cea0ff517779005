"""Boundaries for the site's maps, in the vintage of a map's date.

`datasets/reference/geo/` holds the 2018 (17 units) and 2024 (20 units) vintages from geokz
(OCHA COD-AB, CC BY 4.0). The 16 units in force before 19 June 2018 are the 2018 vintage with
Turkestan Region (61) and Shymkent city (79) joined into South Kazakhstan (51): one feature
whose geometry is the parts of both (a MultiPolygon; the map shows their common border faintly).
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache

from ahual.flows import resources

CREDIT = "geokz (A. Rodionov), OCHA COD-AB, CC BY 4.0"
REFORM_2018 = date(2018, 6, 19)
REFORM_2022 = date(2022, 6, 8)
JOINED_2018 = {"61": "51", "79": "51"}  # into South Kazakhstan, for dates before the reform


def vintage(day: date) -> str:
    """The division in force on `day`: 2007 (16 units), 2018 (17) or 2024 (20)."""
    if day < REFORM_2018:
        return "2007"
    return "2018" if day < REFORM_2022 else "2024"


@cache
def _read(year: str) -> dict:
    path = resources.reference() / "geo" / f"kazakhstan_adm1_{year}.geojson"
    return json.loads(path.read_text(encoding="utf-8"))


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


@cache
def features(which: str) -> tuple[dict, ...]:
    """The features of a vintage, each with `properties.region_code` (the KATO code of
    datasets/reference/regions.csv) and nothing else: names come from regions.csv."""
    if which != "2007":
        return tuple({"type": "Feature", "properties": {"region_code": f["properties"]["kato2"]},
                      "geometry": f["geometry"]} for f in _read(which)["features"])
    merged: dict[str, list] = {}
    for feature in _read("2018")["features"]:
        code = feature["properties"]["kato2"]
        merged.setdefault(JOINED_2018.get(code, code), []).extend(
            _polygons(feature["geometry"]))
    return tuple({"type": "Feature", "properties": {"region_code": code},
                  "geometry": {"type": "MultiPolygon", "coordinates": parts}
                  if len(parts) > 1 else {"type": "Polygon", "coordinates": parts[0]}}
                 for code, parts in sorted(merged.items()))


def units(which: str) -> list[str]:
    return sorted(f["properties"]["region_code"] for f in features(which))
