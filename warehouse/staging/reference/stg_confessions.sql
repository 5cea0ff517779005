-- Confession taxonomy (datasets/reference/confessions.csv): family -> confession.
select
    confession_code,
    family_code     as confession_family,
    level           as confession_level,
    name_kk         as confession_name_kk,
    name_ru         as confession_name_ru,
    name_en         as confession_name_en
from reference.confessions
