-- Tables the loader writes; everything else is rebuilt from these by the SQL models.
-- Run once per connection by warehouse.store (IF NOT EXISTS: idempotent, single writer).
CREATE SCHEMA IF NOT EXISTS raw;

-- One row per accepted file: the lineage every mart row points back to.
CREATE TABLE IF NOT EXISTS raw.load_batches (
    batch_id      INTEGER PRIMARY KEY,
    kind          VARCHAR   NOT NULL,
    file_name     VARCHAR   NOT NULL,
    file_sha256   VARCHAR   NOT NULL,
    file_bytes    BIGINT    NOT NULL,
    rows_loaded   BIGINT    NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,
    flow_run_id   VARCHAR,
    UNIQUE (kind, file_sha256)
);

-- One row per refused file (the file itself is kept under AHUAL_HOME/quarantine/); refusing the
-- same bytes again updates its row.
CREATE TABLE IF NOT EXISTS raw.rejections (
    kind            VARCHAR   NOT NULL,
    file_name       VARCHAR   NOT NULL,
    file_sha256     VARCHAR   NOT NULL,
    rejected_at     TIMESTAMP NOT NULL,
    rules           VARCHAR   NOT NULL,
    reason          VARCHAR   NOT NULL,
    quarantine_path VARCHAR   NOT NULL,
    flow_run_id     VARCHAR,
    PRIMARY KEY (kind, file_sha256)
);

-- One row per published build: what it held and whether its marts passed their suites.
CREATE TABLE IF NOT EXISTS raw.builds (
    build_id      INTEGER   PRIMARY KEY,
    built_at      TIMESTAMP NOT NULL,
    code_version  VARCHAR   NOT NULL,
    last_batch_id INTEGER,
    inputs_hash   VARCHAR   NOT NULL,   -- loads, rejections, models, reference data, suites
    mart_rows     JSON      NOT NULL,   -- {"marts.registrations": 1052, ...}
    validation    JSON      NOT NULL    -- {"marts/registrations": {"success": true, ...}, ...}
);

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
