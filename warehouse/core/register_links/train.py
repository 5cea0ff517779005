"""Train the register's linkage model once and write settings.json beside this file (not part of
a build: a build only predicts with the parameters written here).

    python -m ahual.warehouse.core.register_links.train WAREHOUSE.duckdb

reads the register's records from a warehouse (the demo's, after `ahual demo`), estimates the
u probabilities by random sampling (fixed seed) and the m probabilities by expectation
maximisation on two blocking rules, and writes the model with the thresholds. Training again
gives parameters equal to a few significant digits, not byte for byte (DuckDB samples pairs
in parallel); that is why it is done once and its result kept, never during a build.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from ahual.warehouse.core.register_links import HERE, records

THRESHOLDS = {"keep": 0.2, "review": 0.5, "link": 0.99}
SEED = 2011


def creator() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=0.0002,
        comparisons=[
            cl.JaroWinklerAtThresholds("name_key", [0.95, 0.88]),
            cl.ExactMatch("registered_on"),
            cl.ExactMatch("kato"),
            cl.ExactMatch("legal_form"),
            cl.ExactMatch("confession_code"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("region_2007", "confession_code", "kato"),
            block_on("region_2007", "registered_on"),
            block_on("region_2007", "confession_code", "substr(name_key, 1, 3)"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def train(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as source:
        table = records(source)
    con = duckdb.connect()
    linker = Linker(DuckDBAPI(connection=con).register(table, table_name="register_records"),
                    creator(), log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=SEED)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("region_2007", "registered_on"), fix_u_probabilities=True)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("region_2007", "confession_code", "kato"), fix_u_probabilities=True)
    model = linker.misc.save_model_to_json()
    model.pop("linker_uid", None)  # a random name: the file must be the same on every run
    return {**THRESHOLDS, "splink": model}


def main() -> None:
    settings = train(Path(sys.argv[1]))
    (HERE / "settings.json").write_text(json.dumps(settings, indent=1, ensure_ascii=False)
                                        + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
