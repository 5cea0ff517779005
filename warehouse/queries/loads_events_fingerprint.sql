-- What the builds know of raw.load_events: events are only ever added, so their count and last id.
select count(*)::varchar || ':' || coalesce(max(event_id), 0)::varchar from raw.load_events
