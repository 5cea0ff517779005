-- Planned money per measure and year (datasets/reference/programme/budget.csv). The four kinds
-- of cell stay distinct: an amount, «not required», «within the state order» and «-» (none).
select
    cast(measure_no as integer)                         as measure_no,
    cast(year as integer)                               as year,
    funding_kind,
    cast(nullif(planned_mln_tenge, '') as decimal(12, 3)) as planned_mln_tenge,
    printed_text,
    case funding_kind
        when 'amount' then 'planned ' || planned_mln_tenge || ' mln tenge (republican budget)'
        when 'not_required' then 'not required («Талап етілмейді»)'
        when 'state_order' then 'within the state order («Мемлекеттік тапсырыс шеңберінде»)'
        when 'none' then 'none planned («-»)'
    end                                                 as funding_note
from reference.programme_budget
