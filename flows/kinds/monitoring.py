"""Monitoring sheets: one round, every region on the same scheme of indicators.

Parsed like every table of counts (flows/reading/tabular.py); the round comes from the command
line (`--round N`) or the inbox folder (`inbox/monitoring/round-N/`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ahual.flows.kinds.base import CONFIRM_SMALLER, Kind, Options, Owed, Parsed, Supersedes
from ahual.flows.problems import UsageError
from ahual.flows.reading.readers import read_table
from ahual.flows.reading.tabular import TableSpec, counts, melt
from ahual.flows.reading.vocabulary import monitoring_rounds, vocabulary

SPEC = TableSpec(contract="monitoring", keys=("region",), optional_keys=("round",),
                 item="indicator", value="value",
                 output={"region": "region_label", "round": "round_text",
                         "indicator": "indicator_label", "value": "value_text"})


def known_rounds() -> list[int]:
    return sorted(int(r) for r in monitoring_rounds()["round"])


@dataclass(frozen=True)
class MonitoringOptions(Options):
    round: int = field(metadata={"help": "the monitoring round (datasets/reference/"
                                         "monitoring_rounds.csv)", "metavar": "N",
                                 "folder": True, "folder_pattern": "round-{}"})
    confirm_smaller: bool = field(default=False, metadata=CONFIRM_SMALLER)

    def check(self) -> None:
        if self.round not in known_rounds():
            raise UsageError(f"--round {self.round}: the programme's monitoring rounds are "
                             f"{', '.join(map(str, known_rounds()))} "
                             "(datasets/reference/monitoring_rounds.csv)")


def parse_file(path: Path, options: MonitoringOptions) -> Parsed:
    """A monitoring sheet of one round -> raw.monitoring_values rows."""
    rows = parse(read_table(path), path.name, options.round)
    return Parsed(tables={"monitoring_values": rows}, checks=[("monitoring", rows)],
                  summary={"file": path.name})


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


KIND = Kind(
    name="monitoring",
    title="Regional monitoring sheets of one round",
    options=MonitoringOptions,
    parse=parse_file,
    raw_tables=("monitoring_values",),
    supersedes=Supersedes("monitoring_values", ("round", "region_code"),
                          "monitoring_current_cells", "round and region"),
    example="ahual ingest monitoring --round 2 monitoring-2008_regions_kk.csv",
    owed=Owed("monitoring", "monitoring sheets", "region(s)"),
)
