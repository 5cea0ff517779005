-- The regional monitoring index on one scheme, the way Pew's GRI/SHI are built: each item of
-- datasets/reference/monitoring_index_items.csv scored 0 / 0.5 / 1 against its written
-- thresholds (marts.monitoring_index_items), summed and rescaled to 0-10 over the items that
-- could be scored (10 x sum / items scored; items_scored < items_total says when fewer). One
-- row for every region and round: a region that sent no sheet has no index (status 'not
-- reported'), never a guessed one.
-- Band (Pew's first method, within the round): percent rank of the index among the regions
-- with one; above 0.95 'very high', above 0.80 'high', above 0.60 'moderate', else 'low'.
-- Change: index minus the region's index in the previous round; banded as Pew does: 'no
-- change', 'less than 1 point', '1 to 1.9 points', '2 points or more'; change_on_all_items is false
-- when either round could not score every item (the change then compares different items).
with items as (
    select * from marts.monitoring_index_items
),

by_region as (
    select
        round,
        any_value(round_end)                                      as round_end,
        region_code,
        any_value(region_name_en)                                 as region_name_en,
        bool_or(status <> 'not reported')                         as sheet_reported,
        count(*)                                                  as items_total,
        count(score)                                              as items_scored,
        sum(score)                                                as score_sum,
        string_agg(item_code || '=' || coalesce(score::varchar, 'n/a'), ', '
                   order by item_no)                              as item_scores,
        string_agg(distinct batch_id::varchar, ',' order by batch_id::varchar) as batches
    from items
    group by round, region_code
),

indexed as (
    select
        *,
        case when items_scored > 0 then round(10.0 * score_sum / items_scored, 2) end as index_value
    from by_region
),

ranked as (
    select
        *,
        case when index_value is not null
             then percent_rank() over (partition by round, index_value is null
                                       order by index_value) end  as percent_rank_in_round,
        lag(index_value) over (partition by region_code order by round) as previous_index,
        lag(items_scored = items_total) over (partition by region_code order by round)
            as previous_complete
    from indexed
)

select
    round,
    round_end,
    region_code,
    region_name_en,
    index_value,
    case when percent_rank_in_round is null then null
         when percent_rank_in_round > 0.95 then 'very high'
         when percent_rank_in_round > 0.80 then 'high'
         when percent_rank_in_round > 0.60 then 'moderate'
         else 'low' end                                           as band,
    round(percent_rank_in_round, 4)                               as percent_rank_in_round,
    score_sum,
    items_scored,
    items_total,
    case when not sheet_reported then 'not reported'
         when items_scored < items_total then 'partial'
         else 'complete' end                                      as status,
    item_scores,
    previous_index,
    round(index_value - previous_index, 2)                        as change_vs_previous,
    case when index_value is null or previous_index is null then null
         when index_value = previous_index then 'no change'
         when abs(index_value - previous_index) >= 2 then '2 points or more'
         when abs(index_value - previous_index) >= 1 then '1 to 1.9 points'
         else 'less than 1 point' end                             as change_band,
    case when index_value > previous_index then 'up'
         when index_value < previous_index then 'down'
         when index_value = previous_index then 'none' end        as change_direction,
    case when index_value is not null and previous_index is not null
         then items_scored = items_total and previous_complete end as change_on_all_items,
    batches
from ranked
order by round, region_code
