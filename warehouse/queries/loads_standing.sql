-- Each load: what it was, how many of its reports are current, which loads stand in place of
-- the rest, which it replaced, and the last thing done to it (a revert or a reinstatement).
-- A report is what a load supersedes by (a region on a date, a study, a round and region, an
-- agency's measure in a half-year); read from core, so this says what the last build made
-- current.
with reports as (
    select 'registrations' as kind, batch_id,
           strftime(as_of, '%Y-%m-%d') || ' ' || region_code as report, is_current
    from core.registration_reports
    union all
    select 'survey', batch_id, study_id, is_current
    from core.survey_batches
    union all
    select distinct 'monitoring', batch_id, 'round ' || round || ' ' || region_code, is_current
    from core.monitoring_values
    union all
    select distinct 'progress', batch_id, agency_code || ' measure ' || measure_no || ' ' || period,
           is_current
    from core.progress_reports
),
replaced as (  -- a report of one load that another load's report stands in place of
    select old.batch_id as replaced, new.batch_id as by_batch
    from reports as old
    join reports as new
      on new.kind = old.kind and new.report = old.report and new.is_current
     and not old.is_current
    group by all
),
last_event as (
    select batch_id, arg_max(action, event_id) as action, max(event_id) as event_id
    from raw.load_events group by batch_id
)
select
    batches.batch_id,
    batches.kind,
    batches.file_name,
    batches.loaded_as,
    batches.rows_loaded,
    batches.loaded_at,
    (select count(*) from reports where reports.batch_id = batches.batch_id) as reports,
    (select count(*) from reports where reports.batch_id = batches.batch_id
        and reports.is_current) as current_reports,
    coalesce((select list(by_batch order by by_batch) from replaced
              where replaced.replaced = batches.batch_id), []) as replaced_by,
    coalesce((select list(replaced order by replaced) from replaced
              where replaced.by_batch = batches.batch_id), []) as replaces,
    events.action as last_action,
    events.done_at,
    events.who,
    events.why
from raw.load_batches as batches
left join last_event using (batch_id)
left join raw.load_events as events using (event_id)
order by batches.batch_id
