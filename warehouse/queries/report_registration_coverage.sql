-- Coverage of every registration reporting date up to the report's reporting date
-- (marts.registration_coverage): how many regions in force reported, which did not, and whether
-- the date has a national figure. The report words a partial date ("15 of 16 regions reported;
-- no national figure") and never prints a national total for it.
select as_of, units_expected, units_reported,
       array_to_string(missing_units, ';') as missing_units, complete, national_source
from marts.registration_coverage
where as_of <= $as_of
order by as_of
