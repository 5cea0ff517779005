-- The action plan's 23 measures (datasets/reference/programme/measures.csv), typed.
select
    cast(measure_no as integer)             as measure_no,
    section,
    section_title_en,
    title_kk,
    title_en,
    completion_form_en,
    agencies,                               -- ';'-separated agency codes
    deadline_text_kk,
    deadline_note,
    cast(nullif(deadline_quarter, '') as integer) as deadline_quarter,
    cast(nullif(due_date, '') as date)      as due_date,   -- NULL: recurring, or unknown (measure 23)
    deadline_known,
    cast(deadline_year_from as integer)     as deadline_year_from,
    cast(deadline_year_to as integer)       as deadline_year_to,
    -- The date after which a measure not done is overdue: its due date, or, when the plan
    -- gives the year but not the quarter (measure 23), the year's last day (every quarter of it
    -- has ended by then). NULL for recurring measures: their occurrences are judged one by one
    -- (marts.programme_occurrences).
    coalesce(cast(nullif(due_date, '') as date),
             case when deadline_known = 'partial'
                  then make_date(cast(deadline_year_to as integer), 12, 31) end) as due_by
from reference.programme_measures
