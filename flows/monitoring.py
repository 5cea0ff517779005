"""Monitoring sheets: one round, every region on the same scheme of indicators.

Parsed like every table of counts (flows/tabular.py); the round comes from the command line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flows.parsed import Parsed
from flows.problems import InputRejected, Problem
from flows.readers import read_table
from flows.reference import monitoring_rounds, vocabulary
from flows.tabular import TableSpec, counts, melt, refuse_if_larger

MAX_SHEET_BYTES = 20 * 2**20
SPEC = TableSpec(contract="monitoring", keys=("region",), optional_keys=("round",),
                 item="indicator", value="value",
                 output={"region": "region_label", "round": "round_text",
                         "indicator": "indicator_label", "value": "value_text"})


def parse_file(path: Path, options: dict) -> Parsed:
    """A monitoring sheet of round `options["round"]` -> raw.monitoring_values rows."""
    round_no = options.get("round")
    known = set(monitoring_rounds()["round"].astype(int))
    if round_no not in known:
        raise InputRejected([Problem(
            path.name, "known round", f"round {round_no} is not one of the programme's rounds "
            f"{sorted(known)} (datasets/reference/monitoring_rounds.csv)")])
    refuse_if_larger(path, MAX_SHEET_BYTES, "a monitoring sheet")
    rows = parse(read_table(path), path.name, round_no)
    return Parsed(tables={"monitoring_values": rows}, checks=[("monitoring", rows)])


def parse(table: pd.DataFrame, file_name: str, round_no: int) -> pd.DataFrame:
    out = melt(table, file_name, SPEC)
    out["round"] = round_no
    if "round_text" not in out:
        out["round_text"] = ""
    out["round_matches"] = out["round_text"].isin(["", str(round_no), f"{round_no}.0"])
    out["region_code"] = vocabulary("region").codes_of(out["region_label"])
    out["indicator_code"] = vocabulary("indicator").codes_of(out["indicator_label"])
    out["value_text"], out["value"] = counts(out["value_text"])
    return out
