-- The programme's expected results as targets (datasets/reference/programme/targets.csv).
select
    target_code,
    description_kk,
    description_en,
    cast(planned as double)  as planned,
    unit,
    measure_nos,
    achieved_from            -- studies | monitoring | progress:<output kind>
from reference.programme_targets
