-- Every distinct label of a vocabulary kind the loaded files used, by load batch, folded as
-- stg_local_aliases folds an alias (so a figure's label can be traced to the local alias that
-- resolved it). Registration reports, monitoring sheets, progress reports and survey
-- respondents' regions.
with labels as (
    select 'region' as kind, region_label as label, batch_id, count(*) as cells
    from raw.registration_rows group by all
    union all
    select 'confession', confession_label, batch_id, count(*)
    from raw.registration_rows group by all
    union all
    select 'region', region_label, batch_id, count(*)
    from raw.monitoring_values group by all
    union all
    select 'indicator', indicator_label, batch_id, count(*)
    from raw.monitoring_values group by all
    union all
    select 'agency', agency_label, batch_id, count(*)
    from raw.progress_reports group by all
    union all
    select 'region', region_label, batch_id, count(*)
    from raw.survey_respondents where region_label is not null group by all
)

select
    kind,
    label,
    trim(regexp_replace(regexp_replace(replace(lower(nfc_normalize(label)), 'ё', 'е'),
                                       '[.,«»"''()“”„]', ' ', 'g'), '\s+', ' ', 'g'))
                     as label_key,
    batch_id,
    cells
from labels
