-- Outputs delivered, as loaded: one row per progress report row x kind of output.
select batch_id, source_row, output_kind, quantity
from raw.progress_outputs
