-- When each received file reached the centre, and whether its figures are made up
-- (AHUAL_HOME/receipts.csv, loaded by flows/build.py as reference.receipts; empty when there is
-- none; `ahual demo` writes the demo's, datasets/demo/receipts.csv, where every file is made
-- up). A file without a receipt counts as received the day it was loaded (the inbox takes files
-- daily) and as real.
select
    lower(trim(file_sha256))                        as file_sha256,
    file_name,
    cast(nullif(received_on, '') as date)           as received_on,
    nullif(sender, '')                              as sender,
    coalesce(try_cast(made_up as boolean), false)   as made_up,
    nullif(note, '')                                as note
from reference.receipts
