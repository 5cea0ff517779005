-- Design-based estimates for categorical survey variables: study x variable x domain x category.
--
-- Estimate: the weighted proportion p = sum(w*y) / sum(w) over the respondents of the domain who
-- gave a valid answer to the variable (y = 1 if the answer is the category). Only the codebook's
-- substantive codes count as answers: missing-value codes (hard to say, refused) are left out, so
-- proportions are among those who answered.
--
-- Variance: Taylor linearisation of that ratio with the with-replacement PSU approximation, the
-- estimator of R survey (svymean/svyby, options(survey.lonely.psu = "remove")) and of samplics:
--   z_i  = w_i * d_i * (y_i - p) / W_d            d_i = 1 inside the domain, W_d = sum(w*d)
--   z_hj = sum of z_i over PSU j of stratum h     = (A_hj - p * B_hj) / W_d
--          with A_hj = sum(w*d*y) and B_hj = sum(w*d) over the PSU
--   V    = sum_h n_h / (n_h - 1) * [ sum_j z_hj^2 - (sum_j z_hj)^2 / n_h ]
-- n_h counts every PSU of stratum h in the study, also PSUs with nobody in the domain: domain
-- estimation keeps the whole design (z = 0 outside the domain). Such PSUs add nothing to the sums
-- over j, so only PSUs with domain members are materialised; n_h carries the rest.
-- A stratum with a single PSU contributes 0 (R survey's lonely.psu = "remove", samplics' skip).
-- A null stratum is one stratum; a respondent with a null psu is its own PSU; PSU labels are
-- nested in strata (R survey's nest = TRUE), so psu '1' of two strata is two PSUs.
--
-- The sums over j are taken per stratum without listing every PSU for every category:
--   sum_j z_hj   = (A_h - p * B_h) / W_d
--   sum_j z_hj^2 = (Q_AA - 2p * Q_AB + p^2 * Q_BB) / W_d^2
-- with Q_AA = sum_j A_hj^2, Q_AB = sum_j A_hj * B_hj, Q_BB = sum_j B_hj^2. A respondent who is
-- its own PSU has A = w*y and B = w, so A^2 = A*B = w^2*y and B^2 = w^2: such respondents are
-- summed per stratum (sums of w^2) instead of becoming one group each, which keeps a study
-- without PSUs as cheap as one with them.
--
-- Design effect (Kish, as R survey's svymean(..., deff = "replace")): deff = V / V_srs with
-- V_srs = p(1-p) / (n-1), n the respondents of the domain with a valid answer. That is the
-- with-replacement SRS variance s^2/n with the element variance s^2 = n/(n-1) * p(1-p) (Kish's
-- n-1 divisor, as R's svyvar). No fpc: (N-n)/N would depend on the scale of raked weights.
-- NULL when p is 0 or 1: there is no variance to compare with.
--
-- Scale: each answer row is joined once, then summed to PSU x domain x variable x category for
-- each kind of domain (national, region, sex, age group); all later steps work on those sums.
-- Keys are integers from here on: aggregating millions of groups on text keys is several times
-- slower.
with respondents as (
    select
        batch_id,
        -- raw.survey_answers keeps source_row as INTEGER: cast the million respondents, not
        -- the tens of millions of answers the join probes
        source_row::integer                                                     as source_row,
        study_id,
        weight,
        region_code,
        sex,
        age_group,
        psu is null                                                             as own_psu,
        -- rows with a null stratum tie, so they share one id: one stratum
        dense_rank() over (order by study_id, stratum)::integer                 as stratum_id,
        dense_rank() over (order by region_code)::integer                       as region_id,
        dense_rank() over (order by sex)::integer                               as sex_id,
        dense_rank() over (order by age_group)::integer                         as age_id,
        -- a PSU is (study, stratum, psu). Respondents without a psu are each their own PSU but
        -- are pooled per stratum under the negative key -stratum_id (see Q_AA above), which
        -- cannot collide with a real PSU's positive rank
        (case when psu is null then -dense_rank() over (order by study_id, stratum)
              else dense_rank() over (order by study_id, stratum, psu) end)::integer as psu_key
    from core.survey_respondents
),

-- n_h over the whole study, not only over the PSUs that have respondents in a domain
strata as (
    select
        stratum_id,
        count(distinct psu_key) filter (where not own_psu)
            + count(*) filter (where own_psu)                                   as n_psu
    from respondents
    group by stratum_id
),

psus as (
    select distinct psu_key, stratum_id, own_psu from respondents
),

domains as (
    select 0 as kind, 0 as ref, 'national' as domain_kind, null::varchar as domain_value
    union all
    select distinct 1, region_id, 'region', region_code from respondents where region_code is not null
    union all
    select distinct 2, sex_id, 'sex', sex from respondents where sex is not null
    union all
    select distinct 3, age_id, 'age_group', age_group from respondents where age_group is not null
),

studies as (
    select
        study_id,
        string_agg(distinct weights_used, '; ' order by weights_used)          as weights_used,
        case
            when bool_or(stratum is not null) and bool_or(psu is not null) then 'taylor: strata+psu'
            when bool_or(psu is not null) then 'taylor: psu'
            when bool_or(stratum is not null) then 'taylor: strata'
            else 'taylor: weights only'
        end                                                                     as variance_method
    from core.survey_respondents
    group by study_id
),

-- a variable is categorical when the codebook lists its categories; keyed by the study's current
-- file (batch_id) so answers find their variable without carrying the study id
variables as (
    select files.batch_id, v.study_id, v.variable,
           dense_rank() over (order by v.study_id, v.variable)::integer        as var_id
    from (select distinct study_id, variable from core.survey_categories) as v
    join (select distinct batch_id, study_id from core.survey_respondents) as files using (study_id)
),

-- the substantive codes of each variable, keyed as raw.survey_answers is: one join finds an
-- answer's variable and drops missing-value codes and files that are not current. (Ingest refuses
-- codes outside the codebook; were one here, it would not count as an answer.)
substantive as (
    select v.batch_id, v.variable, c.code, v.var_id
    from variables as v
    join core.survey_categories as c using (study_id, variable)
),

-- one row per valid answer with integer keys; read by the four sums below, so materialised
answer_rows as materialized (
    select
        v.var_id,
        a.code,
        r.psu_key,
        r.region_id,
        r.sex_id,
        r.age_id,
        r.region_code is not null                                               as has_region,
        r.sex is not null                                                       as has_sex,
        r.age_group is not null                                                 as has_age,
        r.weight
    from raw.survey_answers as a
    join substantive as v using (batch_id, variable, code)
    join respondents as r using (batch_id, source_row)
),

-- A (sum of w), sum of w^2 and n per PSU x variable x category x domain; a respondent whose
-- region, sex or age group is unknown is in no domain of that kind. Four plain aggregates beat
-- one `grouping sets` here.
psu_categories as (
    select var_id, code, psu_key, 0 as kind, 0 as ref,
           sum(weight) as a, sum(weight * weight) as a2, count(*) as n
    from answer_rows group by var_id, code, psu_key
    union all
    select var_id, code, psu_key, 1, region_id, sum(weight), sum(weight * weight), count(*)
    from answer_rows where has_region group by var_id, code, psu_key, region_id
    union all
    select var_id, code, psu_key, 2, sex_id, sum(weight), sum(weight * weight), count(*)
    from answer_rows where has_sex group by var_id, code, psu_key, sex_id
    union all
    select var_id, code, psu_key, 3, age_id, sum(weight), sum(weight * weight), count(*)
    from answer_rows where has_age group by var_id, code, psu_key, age_id
),

-- B (and sum of w^2) per PSU x variable x domain
psu_totals as (
    select var_id, kind, ref, psu_key, sum(a) as b, sum(a2) as b2, sum(n) as n
    from psu_categories
    group by var_id, kind, ref, psu_key
),

stratum_totals as (
    select
        t.var_id, t.kind, t.ref, p.stratum_id,
        sum(t.b)                                                                as b,
        sum(case when p.own_psu then t.b2 else t.b * t.b end)                   as q_bb,
        sum(t.n)                                                                as n
    from psu_totals as t
    join psus as p using (psu_key)
    group by t.var_id, t.kind, t.ref, p.stratum_id
),

stratum_categories as (
    select
        c.var_id, c.kind, c.ref, c.code, p.stratum_id,
        sum(c.a)                                                                as a,
        sum(case when p.own_psu then c.a2 else c.a * c.a end)                   as q_aa,
        sum(case when p.own_psu then c.a2 else c.a * t.b end)                   as q_ab,
        sum(c.n)                                                                as n
    from psu_categories as c
    join psu_totals as t using (var_id, kind, ref, psu_key)
    join psus as p using (psu_key)
    group by c.var_id, c.kind, c.ref, c.code, p.stratum_id
),

domain_totals as (
    select var_id, kind, ref, sum(b) as weighted_base, sum(n) as n_unweighted
    from stratum_totals
    group by var_id, kind, ref
),

category_totals as (
    select var_id, kind, ref, code, sum(a) as a, sum(n) as n
    from stratum_categories
    group by var_id, kind, ref, code
),

cells as (
    select
        d.var_id, d.kind, d.ref, c.code,
        d.weighted_base,
        d.n_unweighted,
        coalesce(t.n, 0)                                                        as n_category,
        coalesce(t.a, 0) / d.weighted_base                                      as p
    from domain_totals as d
    -- every category of the codebook, so one nobody chose is estimated as 0
    join substantive as c using (var_id)
    left join category_totals as t using (var_id, kind, ref, code)
),

-- every stratum with domain members, for every category (one nobody in the stratum chose still
-- has z_hj = -p * B_hj / W_d)
stratum_terms as (
    select
        c.var_id, c.kind, c.ref, c.code, h.n_psu,
        (coalesce(sc.a, 0) - c.p * st.b) / c.weighted_base                      as sum_z,
        (coalesce(sc.q_aa, 0) - 2 * c.p * coalesce(sc.q_ab, 0) + c.p * c.p * st.q_bb)
            / (c.weighted_base * c.weighted_base)                               as sum_z2
    from cells as c
    join stratum_totals as st using (var_id, kind, ref)
    join strata as h using (stratum_id)
    left join stratum_categories as sc using (var_id, kind, ref, code, stratum_id)
),

variances as (
    select
        var_id, kind, ref, code,
        -- (sum z)^2 / n_h centres on the mean over all n_h PSUs of the stratum, the empty ones
        -- included; a single-PSU stratum contributes 0 (lonely PSU removed)
        sum(case when n_psu > 1
                 then n_psu / (n_psu - 1) * (sum_z2 - sum_z * sum_z / n_psu)
                 else 0 end)                                                    as v
    from stratum_terms
    group by var_id, kind, ref, code
),

estimates as (
    select
        c.*,
        -- p = 0 or 1 has every z_i = 0 exactly; rounding must not turn that into a tiny variance,
        -- and a difference of sums of squares may round just below 0
        case when c.n_category in (0, c.n_unweighted) then 0.0
             else greatest(v.v, 0.0) end                                        as v
    from cells as c
    join variances as v using (var_id, kind, ref, code)
)

select
    vars.study_id,
    vars.variable,
    e.code                                                                      as category_code,
    labels.label_en                                                             as category,
    labels.label_kk,
    labels.label_ru,
    labels.label_en,
    case when d.kind = 0 then 'national'
         else d.domain_kind || '=' || d.domain_value end                        as domain,
    d.domain_kind,
    d.domain_value,
    e.p                                                                         as estimate,
    sqrt(e.v)                                                                   as std_error,
    -- normal 95% interval, clipped to the possible range of a proportion
    greatest(0.0, e.p - 1.959963984540054 * sqrt(e.v))                          as ci_low,
    least(1.0, e.p + 1.959963984540054 * sqrt(e.v))                             as ci_high,
    e.n_unweighted::bigint                                                      as n_unweighted,
    e.n_category::bigint                                                        as n_category_unweighted,
    e.weighted_base,
    case when e.n_category > 0 and e.n_category < e.n_unweighted
         then e.v / (e.p * (1 - e.p) / (e.n_unweighted - 1)) end                as deff,
    s.weights_used,
    s.variance_method,
    -- fewer than 30 valid answers in the domain: too few to publish the cell
    e.n_unweighted < 30                                                         as suppressed
from estimates as e
join variables as vars using (var_id)
join domains as d using (kind, ref)
join studies as s on s.study_id = vars.study_id
left join core.survey_categories as labels
    on labels.study_id = vars.study_id and labels.variable = vars.variable and labels.code = e.code
order by vars.study_id, vars.variable, d.kind, d.domain_value, e.code
