-- core.register_identities (warehouse/core/register_identities.py): every standing record of
-- the register with its BIN (none for an old record), in record order.
SELECT record_id, bin
FROM staging.stg_register_records
WHERE NOT load_reverted
ORDER BY record_id
