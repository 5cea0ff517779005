-- Pairs of register records the linkage is unsure are one association (core.register_links,
-- status review: a match probability between the model's two thresholds), with what an analyst
-- needs to decide: `ahual register queue` lists them, `ahual register decide` records the
-- decision, and the next build applies it.
select
    links.record_a,
    links.record_b,
    links.match_probability,
    coalesce(a.name_ru, a.name_kk)    as name_a,
    coalesce(b.name_ru, b.name_kk)    as name_b,
    a.region_code,
    a.confession_code,
    a.kato                            as kato_a,
    b.kato                            as kato_b,
    a.registered_on                   as registered_a,
    b.registered_on                   as registered_b,
    a.bin                             as bin_a,
    b.bin                             as bin_b,
    a.source_file                     as file_a,
    a.source_row                      as row_a,
    b.source_file                     as file_b,
    b.source_row                      as row_b,
    ids_a.association_id              as association_a,
    ids_b.association_id              as association_b
from core.register_links as links
join staging.stg_register_records as a on a.record_id = links.record_a
join staging.stg_register_records as b on b.record_id = links.record_b
join core.register_identities as ids_a on ids_a.record_id = links.record_a
join core.register_identities as ids_b on ids_b.record_id = links.record_b
where links.status = 'review'
  and ids_a.association_id <> ids_b.association_id
order by links.match_probability desc, links.record_a, links.record_b
