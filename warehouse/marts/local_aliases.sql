-- The analyst's local aliases (AHUAL_HOME/aliases.csv) and the loads whose labels each one
-- resolved: a figure's load batch -> the label as written -> the alias, who added it, when,
-- why. Reference aliases (datasets/reference/aliases.csv) are part of the code version and not
-- listed here.
with aliases as (
    select * from staging.stg_local_aliases
),

uses as (
    select
        aliases.overlay_row,
        string_agg(distinct labels.batch_id::varchar, ',' order by labels.batch_id::varchar)
                                                   as batches,
        string_agg(distinct batches.source_file, '; ' order by batches.source_file) as files,
        sum(labels.cells)::bigint                  as cells
    from aliases
    join staging.stg_loaded_labels as labels
      on labels.kind = aliases.kind and labels.label_key = aliases.label_key
    join staging.stg_load_batches as batches using (batch_id)
    group by aliases.overlay_row
)

select
    aliases.overlay_row,
    aliases.kind,
    aliases.alias,
    aliases.code,
    aliases.lang,
    aliases.added_by,
    aliases.added_at,
    cast(aliases.added_at as date)    as added_on,
    aliases.why,
    coalesce(uses.cells, 0)           as cells_resolved,
    uses.batches,
    uses.files
from aliases
left join uses using (overlay_row)
order by aliases.overlay_row
