"""staging.stg_loaded_labels: every distinct label of a vocabulary (region, confession,
indicator, agency) the loaded files used, by load batch, folded as stg_local_aliases folds an
alias, so a figure's label can be traced to the local alias that resolved it.

Each input kind says which of its raw columns hold vocabulary labels in its own
`warehouse/staging/<kind>/_labels.sql` (columns kind, label, batch_id, cells); this model is
their union (warehouse/pieces.py).
"""

from __future__ import annotations

from ahual.warehouse import pieces

SOURCES = pieces.sources("labels")
READS = pieces.reads(SOURCES)


def build(con):
    return pieces.assembled(con, SOURCES, "model_stg_loaded_labels_fold")
