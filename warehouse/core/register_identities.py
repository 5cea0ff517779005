"""core.register_identities: one association, one identity. Every record of the register with
the association it belongs to: the records joined by linked or accepted pairs of
core.register_links (their connected components). Links are applied strongest first, and a
link that would join two different BINs is left out unless an analyst accepted it. An
association is named by its earliest record (`R` and that record's id): the same records and
decisions give the same names in every build.
"""

from __future__ import annotations

import pyarrow as pa

from ahual.warehouse import store

READS = ("core.register_links", "staging.stg_register_records")
SCHEMA = pa.schema([("record_id", pa.string()), ("association_id", pa.string()),
                    ("records", pa.int32())])


def build(con) -> pa.Table:
    bins = dict(con.sql(store.query("model_register_identities_records")).fetchall())
    links = con.sql(store.query("model_register_identities_links")).fetchall()
    parent = {r: r for r in bins}
    numbers = {r: {b} if b else set() for r, b in bins.items()}

    def root(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for a, b, status in links:
        if a not in parent or b not in parent:
            continue
        ra, rb = root(a), root(b)
        if ra == rb or (status != "accepted" and numbers[ra] and numbers[rb]
                        and numbers[ra] != numbers[rb]):
            continue
        first, second = sorted((ra, rb))
        parent[second] = first
        numbers[first] |= numbers.pop(second)
    members: dict[str, list[str]] = {}
    for record in sorted(bins):
        members.setdefault(root(record), []).append(record)
    rows = [{"record_id": r, "association_id": f"R{min(group)}", "records": len(group)}
            for group in members.values() for r in group]
    rows.sort(key=lambda row: row["record_id"])
    return pa.Table.from_pylist(rows, schema=SCHEMA)
