-- Bookkeeping tables every input kind shares; each kind's own raw tables are declared beside
-- its staging models (warehouse/staging/<kind>/_raw.sql). Applied by warehouse.store when a
-- working warehouse is opened (IF NOT EXISTS: idempotent, single writer).
CREATE SCHEMA IF NOT EXISTS raw;

-- The layout of the raw tables; a file made by another layout is refused by store.connect.
CREATE TABLE IF NOT EXISTS raw.schema_version (version INTEGER NOT NULL);

-- One row per accepted file: the lineage every mart row points back to. A load is what the
-- bytes were loaded as: the same bytes loaded as another study or round are another load.
CREATE TABLE IF NOT EXISTS raw.load_batches (
    batch_id      INTEGER PRIMARY KEY,
    kind          VARCHAR   NOT NULL,
    file_name     VARCHAR   NOT NULL,
    file_sha256   VARCHAR   NOT NULL,   -- the data file's bytes
    load_key      VARCHAR   NOT NULL UNIQUE,  -- sha256 of kind, file bytes, options, side files
    loaded_as     JSON      NOT NULL,   -- the options, e.g. {"study": "S02"}, and side files
    file_bytes    BIGINT    NOT NULL,
    rows_loaded   BIGINT    NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,
    flow_run_id   VARCHAR
);

-- One row per refused load (the file itself is kept under AHUAL_HOME/quarantine/); refusing the
-- same load again keeps its row and counts the attempt.
CREATE TABLE IF NOT EXISTS raw.rejections (
    load_key        VARCHAR   PRIMARY KEY,
    kind            VARCHAR   NOT NULL,
    file_name       VARCHAR   NOT NULL,
    file_sha256     VARCHAR   NOT NULL,
    loaded_as       JSON      NOT NULL,
    first_rejected_at TIMESTAMP NOT NULL,
    rejected_at     TIMESTAMP NOT NULL,
    attempts        INTEGER   NOT NULL,
    stage           VARCHAR   NOT NULL,  -- file (its own rules) or build (the marts' rules)
    rules           VARCHAR   NOT NULL,
    reason          VARCHAR   NOT NULL,
    quarantine_path VARCHAR   NOT NULL,
    flow_run_id     VARCHAR
);

-- One row per successful build: what it held and how its marts fared against their suites.
CREATE TABLE IF NOT EXISTS raw.builds (
    build_id      INTEGER   PRIMARY KEY,
    built_at      TIMESTAMP NOT NULL,
    code_version  VARCHAR   NOT NULL,
    last_batch_id INTEGER,
    inputs_hash   VARCHAR   NOT NULL,   -- what every mart was made from (models, loads, reference)
    model_hashes  JSON      NOT NULL,   -- {"marts.registrations": "<sha256>", ...}
    rebuilt       JSON      NOT NULL,   -- models rebuilt by this build
    mart_rows     JSON      NOT NULL,   -- {"marts.registrations": 1052, ...}
    validation    JSON      NOT NULL    -- {"registrations": {"success": true, ...}, ...}
);

-- What was done to a load after it was loaded, with who, when and why: `revert` takes it out of
-- the current figures (the load it replaced counts again); `reinstate` (the same file sent
-- again while another load stood in its place) ranks it as if loaded after batch
-- `after_batch`. Rows are only ever added; a load's last event decides its standing.
CREATE TABLE IF NOT EXISTS raw.load_events (
    event_id    INTEGER   PRIMARY KEY,
    batch_id    INTEGER   NOT NULL,
    action      VARCHAR   NOT NULL,   -- revert | reinstate
    after_batch INTEGER   NOT NULL,   -- the last batch loaded when it was done
    done_at     TIMESTAMP NOT NULL,
    who         VARCHAR   NOT NULL,
    why         VARCHAR   NOT NULL,
    flow_run_id VARCHAR
);

-- Every release of Ahual that opened this warehouse for writing, with the raw layout it left
-- (raw.schema_version is the layout now): which release built a home, and when it upgraded.
CREATE TABLE IF NOT EXISTS raw.releases (
    release         VARCHAR   PRIMARY KEY,
    schema_version  INTEGER   NOT NULL,
    first_opened_at TIMESTAMP NOT NULL
);
