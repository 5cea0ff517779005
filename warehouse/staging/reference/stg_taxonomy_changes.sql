-- Versions of the confession taxonomy (datasets/reference/taxonomy_changes.csv): which codes
-- were merged, dropped or added when, each with its source. A change happened on a day within
-- effective_from .. effective_by (the same day when the source dates it); the families it
-- touches are those of its codes, every family for a reclassification ('*'), and the total.
select
    changes.change_id,
    changes.taxonomy_version,
    cast(changes.effective_from as date)  as effective_from,
    cast(changes.effective_by as date)    as effective_by,
    changes.change,                       -- reclassification | counting rule | merged | dropped | added
    nullif(changes.from_code, '')         as from_code,
    nullif(changes.to_code, '')           as to_code,
    from_codes.confession_family          as from_family,
    to_codes.confession_family            as to_family,
    changes.label_as_printed,
    changes.note,
    changes.source
from reference.taxonomy_changes as changes
left join staging.stg_confessions as from_codes on from_codes.confession_code = changes.from_code
left join staging.stg_confessions as to_codes on to_codes.confession_code = changes.to_code
