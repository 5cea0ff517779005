-- The register against the regions' reported counts (marts.registrations), for every date x
-- region x confession where both exist (a report, and a register extract of that date or
-- later). register_count: associations registered and not liquidated that day; difference =
-- reported - register_count, explained by the associations involved:
--   late_liquidations  liquidated by that day, but first shown liquidated in a later extract
--                      (the region could not know: it still counted them);
--   branches           branches in the register's count, which a region may leave out;
--   unlinked           pairs of the review queue within the cell: records that may be one
--                      association, counted twice until an analyst decides.
-- explained: the difference is late_liquidations, less the branches if the region left them
-- out, less at most `unlinked`.
with reported as (
    select as_of, region_code, confession_code, associations as reported
    from marts.registrations
    where level <> 'national' and associations is not null
      and as_of <= (select max(as_of) from staging.stg_register_records)
),

alive as (
    select reported.as_of, reported.region_code, reported.confession_code,
           history.association_id, history.legal_form
    from reported
    join marts.register_history as history
      on history.region_code = reported.region_code
     and history.confession_code = reported.confession_code
     and history.valid_from <= reported.as_of
     and (history.valid_to is null or reported.as_of < history.valid_to)
     and history.status <> 'liquidated'
),

late as (
    select reported.as_of, reported.region_code, reported.confession_code,
           assoc.association_id
    from reported
    join core.register_associations as assoc
      on assoc.region_code in (select region_code from staging.stg_regions
                               where comparable_2007_code = reported.region_code)
     and assoc.confession_code = reported.confession_code
     and assoc.registered_on <= reported.as_of
     and assoc.liquidated_on <= reported.as_of
     and assoc.liquidation_recorded > reported.as_of
),

unlinked as (
    select alive.as_of, alive.region_code, alive.confession_code,
           list_sort(list(distinct alive.association_id)) as associations,
           count(distinct queue.record_a || queue.record_b) as pairs
    from alive
    join marts.register_review_queue as queue
      on alive.association_id in (queue.association_a, queue.association_b)
    group by all
),

cells as (
    select
        reported.*,
        count(alive.association_id)                                  as register_count,
        count(alive.association_id) filter (where alive.legal_form = 'branch') as branches,
        list_sort(list(alive.association_id) filter (where alive.legal_form = 'branch'))
                                                                     as branch_associations
    from reported
    left join alive using (as_of, region_code, confession_code)
    group by all
),

explained as (
    select
        cells.*,
        cells.reported - cells.register_count                        as difference,
        coalesce(late.late_liquidations, 0)                          as late_liquidations,
        coalesce(late.late_associations, [])                         as late_associations,
        coalesce(unlinked.pairs, 0)                                  as unlinked,
        coalesce(unlinked.associations, [])                          as unlinked_associations
    from cells
    left join (select as_of, region_code, confession_code, count(*) as late_liquidations,
                      list_sort(list(association_id)) as late_associations
               from late group by all) as late using (as_of, region_code, confession_code)
    left join unlinked using (as_of, region_code, confession_code)
)

select
    as_of, region_code, confession_code, reported, register_count,
    difference, late_liquidations, branches, unlinked,
    case
        when difference = 0 then 'agree'
        when difference = late_liquidations then 'liquidated before the date, recorded later'
        when branches > 0 and difference = late_liquidations - branches
            then 'branches not counted by the region'
            || case when late_liquidations > 0 then '; liquidated before the date, recorded later'
                    else '' end
        when difference between late_liquidations - unlinked and late_liquidations
            then 'records not yet linked (in the review queue)'
        when branches > 0 and difference between late_liquidations - branches - unlinked
                                              and late_liquidations - branches
            then 'branches not counted by the region; records not yet linked'
    end                                      as explanation,
    explanation is not null                  as explained,
    list_sort(list_distinct(late_associations
        || case when explanation like 'branches%' then branch_associations else [] end
        || case when explanation like '%not yet linked%' then unlinked_associations else [] end))
                                             as associations
from explained
order by as_of, region_code, confession_code
