-- The programme's quantified outcome (datasets/reference/programme/outcome_targets.csv): counts
-- of the monitoring that are to fall, in percent, against the previous round.
select
    target_code,
    description_kk,
    description_en,
    indicator_codes,      -- ';'-separated codes of datasets/reference/indicators.csv, summed
    unit,
    direction,            -- fall
    note
from reference.programme_outcome_targets
