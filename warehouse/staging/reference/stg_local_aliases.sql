-- The analyst's local aliases (AHUAL_HOME/aliases.csv, loaded by flows/build.py as
-- reference.local_aliases; empty when there is none): who decided each, when and why.
-- label_key folds the label as flows/reading/vocabulary.py `normalise_label` does (case, ё/е,
-- punctuation, spacing), so loaded labels can be matched to the alias that resolved them.
select
    row_number() over ()                  as overlay_row,   -- 1 = the first alias (file row 2)
    kind,
    code,
    alias,
    nullif(lang, '')                      as lang,
    nullif(who, '')                       as added_by,
    try_cast("when" as timestamp)         as added_at,
    why,
    trim(regexp_replace(regexp_replace(replace(lower(nfc_normalize(alias)), 'ё', 'е'),
                                       '[.,«»"''()“”„]', ' ', 'g'), '\s+', ' ', 'g'))
                                          as label_key
from reference.local_aliases
