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

-- Survey microdata of one study file (datasets/contracts/survey.yaml). Respondent level: never
-- published as such; marts carry only estimates (marts.study_estimates).
CREATE TABLE IF NOT EXISTS raw.survey_respondents (
    batch_id                 INTEGER NOT NULL,
    study_id                 VARCHAR NOT NULL,
    source_row               BIGINT  NOT NULL,    -- CSV line or SPSS case number
    respondent_id            VARCHAR NOT NULL,
    region_code              VARCHAR NOT NULL,
    sex                      VARCHAR,             -- male | female | NULL (not given)
    age_group                VARCHAR,
    weight_design            DOUBLE  NOT NULL,    -- 1 when the study has no weights
    weight_raked             DOUBLE,              -- NULL unless the study is raked
    stratum                  VARCHAR,
    psu                      VARCHAR,
    region_label             VARCHAR,
    sex_label                VARCHAR,
    age_text                 VARCHAR
);

-- One row per given answer: the code as in the file (missing-value codes included).
CREATE TABLE IF NOT EXISTS raw.survey_answers (
    batch_id    INTEGER NOT NULL,
    source_row  INTEGER NOT NULL,
    variable    VARCHAR NOT NULL,
    code        INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.survey_categories (
    batch_id    INTEGER NOT NULL,
    study_id    VARCHAR NOT NULL,
    variable    VARCHAR NOT NULL,
    code        INTEGER NOT NULL,
    label       VARCHAR,
    label_kk    VARCHAR,
    label_ru    VARCHAR,
    label_en    VARCHAR,
    is_missing  BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.survey_variables (
    batch_id    INTEGER NOT NULL,
    study_id    VARCHAR NOT NULL,
    variable    VARCHAR NOT NULL,
    question    VARCHAR
);

-- Agencies' half-year progress reports (datasets/contracts/progress.yaml).
CREATE TABLE IF NOT EXISTS raw.progress_reports (
    batch_id         INTEGER NOT NULL,
    source_row       INTEGER NOT NULL,
    agency_code      VARCHAR NOT NULL,
    measure_no       INTEGER NOT NULL,
    period           VARCHAR NOT NULL,    -- half-year, e.g. 2008H2
    status           VARCHAR NOT NULL,    -- done | in progress | not started
    spent_mln_tenge  DOUBLE,              -- NULL: not reported, never 0
    agency_label     VARCHAR NOT NULL,
    status_text      VARCHAR NOT NULL,
    spent_text       VARCHAR NOT NULL
);

-- Outputs delivered in the half-year, one row per reported kind (empty cells are not rows).
CREATE TABLE IF NOT EXISTS raw.progress_outputs (
    batch_id     INTEGER NOT NULL,
    source_row   INTEGER NOT NULL,
    output_kind  VARCHAR NOT NULL,        -- a target code of datasets/reference/programme/targets.csv
    quantity     BIGINT  NOT NULL
);
