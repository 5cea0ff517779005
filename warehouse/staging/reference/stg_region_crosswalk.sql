-- The reforms after 2007 (datasets/reference/region_crosswalk.csv), typed: from_code's former
-- territory is covered, from valid_from, by the to_codes of its rows.
select
    from_code,
    to_code,
    cast(valid_from as date)  as valid_from,
    relation,
    note,
    source
from reference.region_crosswalk
