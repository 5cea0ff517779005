-- The latest date of any current regional registration report.
select max(as_of) from core.registration_reports where region_level <> 'national' and is_current
