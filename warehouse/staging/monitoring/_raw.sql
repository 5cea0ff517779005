-- Raw table of the monitoring kind (flows/kinds/monitoring.py): one row per region x indicator
-- of a round's sheet, as parsed. Read only by the staging models beside this file.
CREATE TABLE IF NOT EXISTS raw.monitoring_values (
    batch_id        INTEGER NOT NULL,
    round           INTEGER NOT NULL,
    source_row      INTEGER NOT NULL,
    source_column   VARCHAR,
    region_code     VARCHAR NOT NULL,
    indicator_code  VARCHAR NOT NULL,
    value           BIGINT,               -- NULL: the cell was empty (not reported), never 0
    region_label    VARCHAR NOT NULL,
    indicator_label VARCHAR NOT NULL,
    value_text      VARCHAR NOT NULL
);
