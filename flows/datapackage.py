"""A snapshot as a Frictionless Data Package (v2): `datapackage.json` beside the Parquet.

Two resources per mart, its CSV copy (for spreadsheets; the one frictionless validates cell by
cell) and its Parquet file, each with its table schema
(types from the Parquet file, the primary key from the mart's `.yml`, foreign keys to the
reference tables shipped in the package, the missing value), kk/ru/en titles and the `.yml`'s
descriptions, the codebook (every code of a coded column with its names), the sources with
their citations and licences, the code version and the input files' checksums.

Everything written is a function of the snapshot's files and the shipped metadata: no clock,
no absolute path, keys sorted, so a snapshot taken again writes the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from ahual.flows import build as build_step
from ahual.flows import resources

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
LANGUAGES = ("kk", "ru", "en")
MISSING = ""  # a CSV cell that is empty is a missing value (never 0)

# Reference tables shipped in every package: resource name -> (file under datasets/reference/,
# its key, the prefix of its kk/ru/en name columns, columns that are not text).
REFERENCE = {
    "regions": ("regions.csv", "region_code", "name_",
                {"valid_from": "date", "valid_to": "date"}),
    "confessions": ("confessions.csv", "confession_code", "name_", {}),
    "indicators": ("indicators.csv", "indicator_code", "name_",
                   {"rise_is_warning": "boolean"}),
    "index_items": ("monitoring_index_items.csv", "item_code", "name_", {}),
    "agencies": ("programme/agencies.csv", "agency_code", "name_", {}),
    "studies": ("studies/studies.csv", "study_id", "title_", {}),
}
# A mart column of this name holds codes of this reference table.
CODED_COLUMNS = {"region_code": "regions", "confession_code": "confessions",
                 "confession_family": "confessions", "indicator_code": "indicators",
                 "item_code": "index_items", "agency_code": "agencies", "study_id": "studies"}

SOURCES = [
    {"title": "Programme on ensuring freedom of religion and improving state-confessional "
              "relations in the Republic of Kazakhstan for 2007-2009 (Government Resolution "
              "No. 1185 of 5 December 2007)",
     "description": "The national counts of 1990 and 2007, the action plan, its money and "
                    "targets (datasets/reference/programme/, reports/)."},
    {"title": "Published national counts of religious associations (2011, 2012, 2016, 2017)",
     "description": "Each row of datasets/reference/reports/registrations/ quotes its "
                    "publication and address."},
    {"title": "Bureau of National Statistics: population by region (censuses 2009 and 2021, "
              "1 January estimates 2007-2023)",
     "description": "datasets/reference/population/by_region.csv; each row names its table."},
    {"title": "KATO (classifier of administrative-territorial objects) and ISO 3166-2:KZ",
     "description": "Region codes and their validity (datasets/reference/regions.csv)."},
    {"title": "geokz 1.0.2 (A. Rodionov), boundaries from OCHA's common operational datasets "
              "(COD-AB)",
     "path": "https://github.com/arodionoff/geokz",
     "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                   "path": "https://creativecommons.org/licenses/by/4.0/"}],
     "description": "Maps of the site only (datasets/reference/geo/); not in the tables."},
    {"title": "Ahual demo inputs (made up)",
     "description": "Regional figures, studies, monitoring sheets and progress reports of the "
                    "demo are invented; only their national sums are real "
                    "(datasets/demo/README.md). An analyst's warehouse never loads them."},
]


def mart_spec(mart: str) -> dict:
    path = resources.warehouse() / "marts" / f"{mart}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def titles(mart: str, spec: dict | None = None) -> dict[str, str]:
    """The mart's title in kk, ru and en (`title:` in its .yml; else its name in words)."""
    spec = mart_spec(mart) if spec is None else spec
    given = spec.get("title") or {}
    fallback = given.get("en") or mart.replace("_", " ").capitalize()
    return {lang: given.get(lang) or fallback for lang in LANGUAGES}


def field_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "number"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "datetime"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return "array"
    if pa.types.is_struct(arrow_type) or pa.types.is_map(arrow_type):
        return "object"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    return "any"


def cell(value: object) -> str:
    """A value as CSV text that a table schema reads back as the same value."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def write_csv(table: pa.Table, path: Path) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    for batch in table.to_batches(max_chunksize=10_000):
        columns = [column.to_pylist() for column in batch.columns]
        writer.writerows([cell(v) for v in row] for row in zip(*columns, strict=True))
    path.write_bytes(out.getvalue().encode("utf-8"))


def _hash(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def reference_file(name: str) -> Path:
    """The file of a reference table as this home's build reads it: the centre may lay rows of
    its own over a shipped file (the study registry, AHUAL_HOME/studies/)."""
    file = REFERENCE[name][0]
    table = "_".join(Path(file).with_suffix("").parts)
    return build_step.reference_files().get(table) or resources.reference() / file


def reference_rows(name: str) -> list[dict[str, str]]:
    path = reference_file(name)
    stat = path.stat()
    return _rows(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _rows(path: str, *_signature: int) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def codebook(name: str) -> list[dict]:
    """Every code of a reference table with its names (a field's `categories`)."""
    _, key, prefix, _ = REFERENCE[name]
    return [{"value": row[key], "label": row[f"{prefix}en"],
             "labels": {lang: row[f"{prefix}{lang}"] for lang in LANGUAGES}}
            for row in reference_rows(name)]


def _schema(table: pa.Table, spec: dict, with_keys: bool) -> dict:
    described = spec.get("columns") or {}
    codes = {name: {row["value"] for row in codebook(name)} for name in REFERENCE}
    fields, foreign_keys = [], []
    for f in table.schema:
        field = {"name": f.name, "type": field_type(f.type)}
        if described.get(f.name):
            field["description"] = str(described[f.name])
        reference = CODED_COLUMNS.get(f.name)
        values = set(table.column(f.name).drop_null().to_pylist()) if reference else set()
        # A column is coded when every value it holds is a code of the table: a sum of units
        # ("61+79") or a family code outside the list leaves it plain text.
        if reference and field["type"] == "string" and values <= codes[reference]:
            field["categories"] = codebook(reference)
            if with_keys:
                foreign_keys.append({"fields": [f.name], "reference": {
                    "resource": reference, "fields": [REFERENCE[reference][1]]}})
        fields.append(field)
    schema: dict = {"fields": fields, "missingValues": [MISSING]}
    key = [k for k in spec.get("key") or [] if k in table.column_names]
    # A key column with a NULL (the Republic's rows have no region) cannot be a primary key;
    # the key stays documented as the resource's `key`.
    if key and all(table.column(k).null_count == 0 for k in key):
        schema["primaryKey"] = key
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def _mart_resources(folder: Path, mart: str) -> list[dict]:
    spec = mart_spec(mart)
    parquet = folder / f"{mart}.parquet"
    table = pq.read_table(parquet)
    comma = folder / f"{mart}.csv"
    write_csv(table, comma)
    common = {"title": titles(mart, spec)["en"], "titles": titles(mart, spec),
              "description": " ".join(str(spec.get("description") or "").split()),
              "key": spec.get("key") or [], "period_column": spec.get("period_column")}
    # The CSV copy is the table resource `frictionless validate` reads cell by cell; the
    # Parquet file is checked by its hash (frictionless reads Parquet through pandas, which
    # turns a missing integer into NaN and then refuses it as not an integer).
    return [
        {"name": mart, "type": "table", "path": comma.name, "format": "csv",
         "mediatype": "text/csv", "encoding": "utf-8", "bytes": comma.stat().st_size,
         "hash": _hash(comma), "rows": table.num_rows, **common,
         "schema": _schema(table, spec, with_keys=True)},
        {"name": f"{mart}-parquet", "type": "file", "path": parquet.name, "format": "parquet",
         "mediatype": "application/vnd.apache.parquet", "bytes": parquet.stat().st_size,
         "hash": _hash(parquet), **common, "schema": _schema(table, spec, with_keys=False)},
    ]


def _reference_resource(folder: Path, name: str) -> dict:
    file, key, _, types = REFERENCE[name]
    target = folder / f"reference-{name}.csv"
    target.write_bytes(reference_file(name).read_bytes())
    header = next(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    return {"name": name, "type": "table", "path": target.name, "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "bytes": target.stat().st_size,
            "hash": _hash(target),
            "title": f"Reference: {name} (codes and their kk/ru/en names)",
            "description": f"datasets/reference/{file} of Ahual"
                           + ("" if reference_file(name) == resources.reference() / file
                              else " with the centre's own rows laid over it")
                           + f": the codebook of the marts' "
                           f"{key} columns (datasets/reference/README.md says where each "
                           "row comes from).",
            "schema": {"fields": [{"name": c, "type": types.get(c, "string")} for c in header],
                       "missingValues": [MISSING], "primaryKey": [key]}}


def write(folder: Path, manifest: dict) -> Path:
    """Write the CSV copies, the reference tables and `datapackage.json` into a snapshot
    folder whose Parquet files and manifest content are ready."""
    marts = sorted(f["mart"].removeprefix("marts.") for f in manifest["files"].values())
    package = {
        "$schema": PROFILE,
        "name": f"ahual-snapshot-{manifest['quarter'].lower()}",
        "title": f"Ahual: religious associations, surveys, monitoring and the programme "
                 f"2007-2009, snapshot {manifest['quarter']}",
        "titles": {"kk": f"Ахуал: {manifest['quarter']} тоқсанының деректері",
                   "ru": f"Ахуал: данные за квартал {manifest['quarter']}",
                   "en": f"Ahual: the data of quarter {manifest['quarter']}"},
        "description": "Every mart of Ahual's warehouse as of the end of the quarter "
                       f"({manifest['period_end']}), with suppressed survey cells left out. "
                       "Each table is given in Parquet and in CSV; codes are explained by the "
                       "reference tables and each field's categories."
                       + (" DEMO DATA: every regional figure is made up (`ahual demo`)."
                          if manifest.get("made_up") else ""),
        "version": manifest["quarter"],
        "period_end": manifest["period_end"],
        "keywords": ["religion", "Kazakhstan", "religious associations", "survey estimates"],
        "sources": SOURCES,
        "code_version": manifest["code_version"],
        "build": (manifest.get("build") or {}).get("build_id"),
        "inputs": [{"kind": load["kind"], "file": load["file_name"],
                    "hash": "sha256:" + load["file_sha256"], "batch_id": load["batch_id"]}
                   for load in manifest.get("loads") or []],
        "resources": [r for mart in marts for r in _mart_resources(folder, mart)]
                     + [_reference_resource(folder, name) for name in REFERENCE],
    }
    path = folder / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path
