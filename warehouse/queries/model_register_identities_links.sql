-- core.register_identities (warehouse/core/register_identities.py): the pairs that join two
-- records into one association, applied in this order: an analyst's acceptance first, then
-- the strongest link, ties broken by the records' ids.
SELECT record_a, record_b, status
FROM core.register_links
WHERE status IN ('linked', 'accepted')
ORDER BY status = 'accepted' DESC, match_probability DESC NULLS LAST, record_a, record_b
