-- The standing of each load something was done to after it was loaded (raw.load_events; the
-- last event counts): a reverted load is in no current figure; a reinstated one ranks as if it
-- had been loaded when it was sent again. `load_order` compares as a list: a plain load is
-- [batch_id, 0], a reinstatement [the last batch then, event_id], so it comes after every load
-- before it and before every load after it. Loads nothing was done to are not here.
select
    batch_id,
    arg_max(action, event_id) = 'revert'                   as reverted,
    [arg_max(after_batch, event_id), max(event_id)]        as load_order
from raw.load_events
group by batch_id
