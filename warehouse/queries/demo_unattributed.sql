-- 2007's national associations that no confession accounts for (3,783 - 3,769 = 14).
select unattributed from marts.registration_reconciliation
where region_code is null and as_of = date '2007-01-01'
