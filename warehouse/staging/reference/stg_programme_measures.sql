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
    deadline_known
from reference.programme_measures
