-- The registrations mart must hold exactly the current parts of core, and the reconciliation
-- must add the same parts up.
with core_parts as (
    select as_of, region_code, count(*) as cells, sum(associations) as associations
    from core.registration_counts
    where is_current and confession_code <> 'ALL'
    group by as_of, region_code
),
mart_parts as (
    select as_of, coalesce(region_code, '00') as region_code, count(*) as cells,
           sum(associations) as associations
    from marts.registrations
    group by all
),
reconciled as (
    select as_of, region_code, sum_of_parts
    from marts.registration_reconciliation
    where level <> 'national' or basis = 'national report'
)
select coalesce(c.as_of, m.as_of) as as_of, coalesce(c.region_code, m.region_code) as region_code,
       c.cells as core_cells, m.cells as mart_cells, c.associations as core_sum,
       m.associations as mart_sum, r.sum_of_parts as reconciled_sum
from core_parts as c
full join mart_parts as m using (as_of, region_code)
left join reconciled as r
  on r.as_of = coalesce(c.as_of, m.as_of)
 and coalesce(r.region_code, '00') = coalesce(c.region_code, m.region_code)
where c.cells is distinct from m.cells
   or c.associations is distinct from m.associations
   or c.associations is distinct from r.sum_of_parts
