-- The measures' titles as the plan gives them: Kazakh (the programme's text) and English (our
-- translation). There is no Russian title in the reference data. With them, what does not
-- depend on the report's half-year beyond "up to it": when a measure with one deadline was
-- first reported done and whether that was late (done_period; the report shows it from that
-- half-year on), and the occurrences of a recurring measure judged missing or late as of each
-- half-year (`flagged`: ';'-separated entries as_of|window_start|window_end|due_date|
-- judgement|half_years_late, text because the report's frames hold plain cells; the report
-- shows those as of its half-year).
with done as (
    select measure_no, done_period, done_late, half_years_late, days_late, due_by
    from marts.programme_measures
    where period = (select max(period) from marts.programme_measures)
),

flagged as (
    select measure_no,
           string_agg(concat_ws('|', period, window_start, window_end, due_date, judgement,
                                coalesce(cast(half_years_late as varchar), '')),
                      ';' order by period, occurrence_no)                  as flagged
    from marts.programme_occurrences
    where judgement in ('missing', 'late')
    group by all
)

select measures.measure_no, measures.section, measures.title_kk, measures.title_en,
       done.due_by, done.done_period, coalesce(done.done_late, false) as done_late,
       done.half_years_late, done.days_late,
       coalesce(flagged.flagged, '')                                  as flagged
from staging.stg_programme_measures as measures
left join done using (measure_no)
left join flagged using (measure_no)
order by measures.measure_no
