-- Each occurrence of a recurring measure (datasets/reference/programme/measure_occurrences.csv):
-- the span whose work it covers, the half-year whose progress reports must show it and the
-- due date the plan's wording gives it.
select
    cast(measure_no as integer)        as measure_no,
    cast(occurrence_no as integer)     as occurrence_no,
    recurrence,                        -- half-yearly | yearly | quarterly
    cast(window_start as date)         as window_start,
    cast(window_end as date)           as window_end,
    period,                            -- the half-year containing window_end
    cast(due_date as date)             as due_date,
    deadline_text_kk,
    rule_en
from reference.programme_measure_occurrences
