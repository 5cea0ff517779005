"""Every snapshot is a Frictionless Data Package: `frictionless validate` passes on the demo's,
its CSV copies hold the Parquet's rows, its codebooks and titles come from the reference
tables and the marts' .yml, and taking it again writes the same bytes."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from ahual.flows import resources

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


@pytest.fixture(scope="module")
def snapshot_folder(demo_home: Path) -> Path:
    [folder] = [p for p in (demo_home / "snapshots").iterdir() if p.is_dir()]
    return folder


@pytest.fixture(scope="module")
def package(snapshot_folder: Path) -> dict:
    return json.loads((snapshot_folder / "datapackage.json").read_text(encoding="utf-8"))


def _resource(package: dict, name: str) -> dict:
    [found] = [r for r in package["resources"] if r["name"] == name]
    return found


def test_frictionless_validates_the_demo_snapshot(snapshot_folder):
    done = subprocess.run([str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
                          cwd=snapshot_folder, capture_output=True, text=True, timeout=600)
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["valid"], [
        (task["name"], error["message"]) for task in report["tasks"]
        for error in task["errors"]][:10]
    checked = {task["name"] for task in report["tasks"]}
    assert {"registrations", "registrations-parquet", "regions"} <= checked


def test_every_mart_has_a_csv_and_a_parquet_resource_with_the_same_rows(snapshot_folder,
                                                                        package):
    manifest = json.loads((snapshot_folder / "manifest.json").read_text(encoding="utf-8"))
    marts = {f["mart"].removeprefix("marts.") for f in manifest["files"].values()}
    names = {r["name"] for r in package["resources"]}
    assert {m for m in marts} | {f"{m}-parquet" for m in marts} <= names
    for mart in ("registrations", "monitoring_index", "study_estimates"):
        parquet = pq.read_table(snapshot_folder / f"{mart}.parquet").to_pandas()
        text = pd.read_csv(snapshot_folder / f"{mart}.csv", dtype=str, keep_default_na=False)
        assert list(text.columns) == list(parquet.columns)
        assert len(text) == len(parquet) == _resource(package, mart)["rows"]
    registrations = pq.read_table(snapshot_folder / "registrations.parquet").to_pandas()
    text = pd.read_csv(snapshot_folder / "registrations.csv", dtype={"region_code": str})
    missing = registrations["associations"].isna()
    assert (text["associations"].isna() == missing).all()  # not reported stays empty, never 0
    assert (text.loc[~missing, "associations"].astype(int)
            == registrations.loc[~missing, "associations"]).all()


def test_schema_keys_codebooks_and_titles_come_from_the_yml_and_the_reference(package):
    spec = yaml.safe_load((resources.warehouse() / "marts" / "monitoring_index.yml")
                          .read_text(encoding="utf-8"))
    index = _resource(package, "monitoring_index")
    assert index["schema"]["primaryKey"] == spec["key"]
    assert index["titles"] == spec["title"] and index["titles"]["kk"] != index["titles"]["en"]
    fields = {f["name"]: f for f in index["schema"]["fields"]}
    assert fields["band"]["description"] == spec["columns"]["band"]
    assert {"fields": ["region_code"], "reference": {"resource": "regions",
                                                     "fields": ["region_code"]}} in \
        index["schema"]["foreignKeys"]
    regions = pd.read_csv(resources.reference() / "regions.csv", dtype=str)
    codebook = {c["value"]: c["labels"] for c in fields["region_code"]["categories"]}
    assert set(codebook) == set(regions["region_code"])
    row = regions.set_index("region_code").loc["43"]
    assert codebook["43"] == {"kk": row["name_kk"], "ru": row["name_ru"], "en": row["name_en"]}
    types = {f["name"]: f["type"] for f in _resource(package, "registrations")["schema"]["fields"]}
    assert (types["as_of"], types["associations"], types["region_code"]) == (
        "date", "integer", "string")


def test_sources_licences_code_version_and_input_checksums(package, demo_home):
    assert package["$schema"].endswith("/2.0/datapackage.json")
    assert package["code_version"]
    assert any("1185" in s["title"] for s in package["sources"])
    assert any(lic["name"] == "CC-BY-4.0" for s in package["sources"]
               for lic in s.get("licenses", []))
    demo_file = resources.demo() / "registrations" / "2009-01-01_all-regions_en.csv"
    digest = "sha256:" + hashlib.sha256(demo_file.read_bytes()).hexdigest()
    assert {"file": demo_file.name, "hash": digest} in [
        {"file": i["file"], "hash": i["hash"]} for i in package["inputs"]]
    assert str(demo_home) not in json.dumps(package)  # no path of this machine


def test_a_snapshot_taken_again_writes_the_same_package_bytes(in_demo_home, tmp_path):
    from ahual.flows.periods import Period
    from ahual.flows.snapshot import write_files

    folders = [tmp_path / "first", tmp_path / "second"]
    for folder in folders:
        write_files(Period.parse("2009Q1"), folder)
    written = [{p.name: p.read_bytes() for p in f.iterdir() if p.name != "manifest.json"}
               for f in folders]
    assert "datapackage.json" in written[0] and "registrations.csv" in written[0]
    assert written[0] == written[1]


def test_a_code_missing_from_the_codebook_fails_validation(snapshot_folder, package, tmp_path):
    """The foreign keys are checked: a region code the reference does not know is an error."""
    from frictionless import validate

    for name in ("registrations.csv", "reference-regions.csv", "reference-confessions.csv"):
        shutil.copy(snapshot_folder / name, tmp_path / name)
    text = (tmp_path / "registrations.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("region_code")] = "98"
    (tmp_path / "registrations.csv").write_text(
        "\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    resources_kept = []
    for name in ("registrations", "regions", "confessions"):
        resource = dict(_resource(package, name))
        for stale in ("hash", "bytes"):
            resource.pop(stale)
        resources_kept.append(resource)
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps({"$schema": package["$schema"], "name": "tampered",
                                      "resources": resources_kept}), encoding="utf-8")
    report = validate(str(descriptor))
    assert not report.valid
    errors = [e for task in report.tasks for e in task.errors]
    assert any(e.type == "foreign-key" and "98" in e.message for e in errors), errors[:3]
