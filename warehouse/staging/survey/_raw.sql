-- Raw tables of the survey kind (flows/kinds/survey/): one study file's microdata. Respondent
-- level: never published as such; marts carry only estimates (marts.study_estimates). Read
-- only by the staging models beside this file.
CREATE TABLE IF NOT EXISTS raw.survey_respondents (
    batch_id                 INTEGER NOT NULL,
    study_id                 VARCHAR NOT NULL,
    source_row               BIGINT  NOT NULL,    -- CSV line or SPSS case number
    respondent_id            VARCHAR NOT NULL,
    region_code              VARCHAR NOT NULL,
    sex                      VARCHAR,             -- male | female | NULL (not given)
    age_group                VARCHAR,
    weight_design            DOUBLE  NOT NULL,    -- 1 when the study has no weights; 0 allowed
    weight_raked             DOUBLE,              -- NULL unless the study is raked
    stratum                  VARCHAR,
    psu                      VARCHAR,
    region_label             VARCHAR,
    sex_label                VARCHAR,
    age_text                 VARCHAR
);

-- One row per given answer to a question: the code as in the file (missing-value codes
-- included).
CREATE TABLE IF NOT EXISTS raw.survey_answers (
    batch_id    INTEGER NOT NULL,
    source_row  INTEGER NOT NULL,
    variable    VARCHAR NOT NULL,
    code        INTEGER NOT NULL
);

-- The codebook: every code of every question, with its labels.
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

-- Every column of the file that is not a design column: the study's questions (estimated)
-- and extra columns (kept, not estimated), with the file's own labels.
CREATE TABLE IF NOT EXISTS raw.survey_variables (
    batch_id    INTEGER NOT NULL,
    study_id    VARCHAR NOT NULL,
    variable    VARCHAR NOT NULL,
    source_column VARCHAR NOT NULL,   -- the column's name in the file
    question    VARCHAR,
    estimated   BOOLEAN NOT NULL,     -- a question of the study; false: an extra column
    note        VARCHAR               -- why an extra column is not estimated
);

-- The values of extra columns, as text (a score, a free-text answer, an interviewer id).
CREATE TABLE IF NOT EXISTS raw.survey_extra_values (
    batch_id    INTEGER NOT NULL,
    source_row  INTEGER NOT NULL,
    variable    VARCHAR NOT NULL,
    value       VARCHAR NOT NULL
);
