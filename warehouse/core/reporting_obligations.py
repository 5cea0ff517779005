"""core.reporting_obligations: who owes which report, as of which date, due when. Each kind
that is reported by obligation declares its part in its own
`warehouse/staging/<kind>/_obligations.sql` (registrations: every unit each half-year;
progress: every responsible agency, akimats by name; monitoring: every unit each round); this
model is their union (warehouse/pieces.py), keyed by `obligation_key`."""

from __future__ import annotations

from ahual.warehouse import pieces

SOURCES = pieces.sources("obligations")
READS = pieces.reads(SOURCES)


def build(con):
    return pieces.assembled(con, SOURCES, "model_reporting_obligations_key")
