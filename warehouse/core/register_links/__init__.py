"""core.register_links: which records of the register are one association. A Python model, this
folder: records.sql gives the records, decisions.sql the analysts' decisions, settings.json
the linkage model (Splink's settings with its trained m and u probabilities, fixed: a build
predicts, it never re-estimates) and the two thresholds.

Two records with the same BIN are one association; two with different BINs are two. Every
other pair Splink's blocking rules bring together is scored (names in kk/ru folded to one
Latin spelling by names.py, confession, region, settlement KATO, registration date, legal
form): a match probability of at least `link` links them, at least `review` puts them in the
review queue (marts.register_review_queue), below that they stay apart. An analyst's decision
(accept or reject) overrides the score and is kept with who and why.

Deterministic: the records are sorted, Splink runs on a connection of its own with fixed
parameters, probabilities are rounded and the pairs sorted; same records and decisions, same
rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa

from ahual.warehouse.core.register_links.names import key_of_names

HERE = Path(__file__).parent
READS = ("staging.stg_register_records", "staging.stg_regions", "reference.register_decisions")
SCHEMA = pa.schema([
    ("record_a", pa.string()), ("record_b", pa.string()), ("match_probability", pa.float64()),
    ("match_weight", pa.float64()), ("evidence", pa.string()), ("status", pa.string()),
    ("decided_by", pa.string()), ("reason", pa.string()), ("decided_at", pa.string()),
])


def query(name: str) -> str:
    """One of this model's queries, `<name>.sql` beside this file."""
    return (HERE / f"{name}.sql").read_text(encoding="utf-8")


def settings() -> dict:
    return json.loads((HERE / "settings.json").read_text(encoding="utf-8"))


def records(con) -> pa.Table:
    """The records with their name key, as Splink reads them."""
    table = con.sql(query("records")).to_arrow_table()
    keys = [key_of_names(n) for n in table.column("names").to_pylist()]
    return table.append_column("name_key", pa.array(keys, pa.string())).rename_columns(
        ["unique_id" if c == "record_id" else c for c in table.column_names] + ["name_key"])


def scored(table: pa.Table, model: dict) -> list[tuple]:
    """(record_a, record_b, probability, weight) of every pair the blocking rules compare."""
    if table.num_rows < 2:
        return []
    # Splink is imported here, not at the top: it costs ~1 s and every build imports this
    # module for READS, while only a build with register records scores anything.
    from splink import DuckDBAPI, Linker

    con = duckdb.connect()  # Splink's own tables stay out of the warehouse's transaction
    try:
        db = DuckDBAPI(connection=con)
        linker = Linker(db.register(table, table_name="register_records"), model["splink"],
                        log_level=None)
        predicted = linker.inference.predict(threshold_match_probability=model["keep"])
        return con.sql(f"SELECT unique_id_l, unique_id_r, round(match_probability, 6), "
                       f"round(match_weight, 4) FROM {predicted.physical_name} "
                       "ORDER BY 1, 2").fetchall()
    finally:
        con.close()


def build(con) -> pa.Table:
    model = settings()
    table = records(con)
    bins = dict(zip(table.column("unique_id").to_pylist(), table.column("bin").to_pylist(),
                    strict=True))
    pairs: dict[tuple[str, str], dict] = {}
    for a, b, probability, weight in scored(table, model):
        a, b = sorted((a, b))
        pairs[(a, b)] = {"match_probability": probability, "match_weight": weight,
                         "evidence": "splink"}
    by_bin: dict[str, list[str]] = {}
    for record, number in sorted(bins.items()):
        if number:
            by_bin.setdefault(number, []).append(record)
    for records_of in by_bin.values():
        for i, a in enumerate(records_of):
            for b in records_of[i + 1:]:
                pairs[(a, b)] = {"match_probability": 1.0, "match_weight": None,
                                 "evidence": "same BIN"}
    decisions = {(r[0], r[1]): r[2:] for r in con.sql(query("decisions")).fetchall()}
    rows = []
    for (a, b), pair in sorted(pairs.items()):
        p = pair["match_probability"]
        both = bins.get(a) and bins.get(b)
        status = ("linked" if p >= model["link"] and not (both and bins[a] != bins[b])
                  else "review" if p >= model["review"] and not both else "apart")
        decision = decisions.pop((a, b), None)
        if decision:
            status = "accepted" if decision[0] == "accept" else "rejected"
        rows.append({"record_a": a, "record_b": b, **pair, "status": status,
                     **_decided(decision)})
    for (a, b), decision in sorted(decisions.items()):  # decided on a pair not scored now
        if a in bins and b in bins:
            rows.append({"record_a": a, "record_b": b, "match_probability": None,
                         "match_weight": None, "evidence": "analyst",
                         "status": "accepted" if decision[0] == "accept" else "rejected",
                         **_decided(decision)})
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def _decided(decision: tuple | None) -> dict:
    if not decision:
        return {"decided_by": None, "reason": None, "decided_at": None}
    return {"decided_by": decision[1], "reason": decision[2], "decided_at": decision[3]}
