-- Raw table of the registrations kind (flows/kinds/registrations.py): one row per cell of a
-- report, as parsed. Read only by the staging models beside this file.
CREATE TABLE IF NOT EXISTS raw.registration_rows (
    batch_id         INTEGER NOT NULL,
    source_row       INTEGER NOT NULL,
    source_column    VARCHAR,
    as_of            DATE    NOT NULL,
    region_code      VARCHAR NOT NULL,
    confession_code  VARCHAR NOT NULL,
    associations     BIGINT,              -- NULL: the cell was empty (not reported), never 0
    region_label     VARCHAR NOT NULL,
    confession_label VARCHAR NOT NULL,
    count_text       VARCHAR NOT NULL
);
