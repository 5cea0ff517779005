-- What the current progress reports say was delivered in the half-year, by measure and kind of
-- output (the kinds are datasets/contracts/progress.yaml `outputs`).
select measure_no, output_kind, cast(sum(quantity) as double) as quantity
from core.progress_outputs
where period = $period
group by all
order by measure_no, output_kind
