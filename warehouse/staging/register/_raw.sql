-- Raw table of the register kind (flows/kinds/register/): one row per record of an extract of
-- the register of religious associations, as parsed. No column may hold a person's data (the
-- kind refuses such a file before anything is kept). Read only by the staging models beside
-- this file.
CREATE TABLE IF NOT EXISTS raw.register_records (
    batch_id           INTEGER NOT NULL,
    source_row         INTEGER NOT NULL,
    as_of              DATE    NOT NULL,   -- the extract's date
    bin                VARCHAR,            -- NULL on old records (before BINs)
    old_number         VARCHAR,
    name_kk            VARCHAR,
    name_ru            VARCHAR,
    short_name_kk      VARCHAR,
    short_name_ru      VARCHAR,
    legal_form         VARCHAR NOT NULL,   -- republican | regional | local | branch | representation
    confession_code    VARCHAR NOT NULL,
    region_code        VARCHAR NOT NULL,
    kato               VARCHAR,
    registered_on      DATE    NOT NULL,
    reregistered_on    DATE,
    liquidated_on      DATE,
    liquidation_reason VARCHAR,
    legal_form_text    VARCHAR NOT NULL,
    confession_label   VARCHAR NOT NULL,
    region_label       VARCHAR NOT NULL
);
