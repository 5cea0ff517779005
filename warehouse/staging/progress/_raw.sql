-- Raw tables of the progress kind (flows/kinds/progress.py): agencies' half-year reports.
-- Read only by the staging models beside this file.
CREATE TABLE IF NOT EXISTS raw.progress_reports (
    batch_id         INTEGER NOT NULL,
    source_row       INTEGER NOT NULL,
    agency_code      VARCHAR NOT NULL,
    measure_no       INTEGER NOT NULL,
    period           VARCHAR NOT NULL,    -- half-year, e.g. 2008H2
    status           VARCHAR NOT NULL,    -- done | in progress | not started
    spent_mln_tenge  DECIMAL(18, 6),      -- NULL: not reported, never 0; exact, so sums are too
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
