-- The 2011-2012 re-registration (Law No. 483-IV of 11 October 2011, in force 25 October 2011:
-- every association re-registers within a year, by 25 October 2012) by region and confession:
-- the associations registered on the day the law came into force (by their region and
-- confession that day), how many re-registered and how many did not.
with at_law as (
    select association_id, region_code, confession_code, legal_form
    from marts.register_history
    where valid_from <= date '2011-10-25'
      and (valid_to is null or date '2011-10-25' < valid_to)
      and status <> 'liquidated'
)

select
    at_law.region_code,
    at_law.confession_code,
    count(*)                                                     as registered_at_law,
    count(*) filter (where assoc.reregistered_on between date '2011-10-25'
                                                     and date '2012-10-25') as reregistered,
    count(*) filter (where assoc.reregistered_on is null
                        or assoc.reregistered_on > date '2012-10-25')      as not_reregistered,
    count(*) filter (where assoc.reregistered_on is null
                        and assoc.liquidated_on <= date '2012-12-31')      as liquidated_by_2013,
    count(*) filter (where at_law.legal_form = 'branch')                   as branches
from at_law
join core.register_associations as assoc using (association_id)
group by at_law.region_code, at_law.confession_code
order by at_law.region_code, at_law.confession_code
