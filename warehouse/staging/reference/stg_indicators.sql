-- Monitoring indicator catalogue (datasets/reference/indicators.csv), typed.
select
    indicator_code,
    name_kk                          as indicator_name_kk,
    name_ru                          as indicator_name_ru,
    name_en                          as indicator_name_en,
    unit,
    measure,
    cast(rise_is_warning as boolean) as rise_is_warning
from reference.indicators
