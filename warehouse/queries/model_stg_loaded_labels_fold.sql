-- staging.stg_loaded_labels (warehouse/staging/reference/stg_loaded_labels.py): the labels of
-- every kind (the view kind_pieces: the union of the kinds' _labels.sql), each folded
-- as stg_local_aliases folds an alias, so a figure's label can be traced to the local alias
-- that resolved it.
select
    kind,
    label,
    trim(regexp_replace(regexp_replace(replace(lower(nfc_normalize(label)), 'ё', 'е'),
                                       '[.,«»"''()“”„]', ' ', 'g'), '\s+', ' ', 'g'))
                     as label_key,
    batch_id,
    cells
from kind_pieces
order by kind, label, batch_id
