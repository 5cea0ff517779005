-- The programme's headline: associations 1990 -> 2007 (671 -> 3,783).
select from_count, to_count, round(ratio, 2) from marts.association_growth
where confession_family = 'ALL' and from_date = date '1990-01-01' and to_date = date '2007-01-01'
