"""Early warnings that know about noise (marts.monitoring_warnings): how improbable a region's
count in a monitoring round is, given its expected level.

For one indicator (a count during the round whose rise is a warning sign), the region i and the
round r:

1. **The national rate** and **how much regions differ**: a negative binomial regression
   (statsmodels `NegativeBinomial`, NB2) of the other regions' counts in rounds 1..r on one
   rate per round, with their population as exposure. It gives each round's rate per person
   elsewhere (rho_s) and alpha, the spread of regions' own levels around it (alpha = 0: every
   region alike, counts Poisson). Region i is left out, so an outlier does not set its own bar.
2. **The region's own level** theta_i (1 = the national rate) is gamma distributed with mean 1
   and variance alpha before its own figures are seen (empirical Bayes, as in disease mapping,
   Clayton and Kaldor 1987), and updated by its own earlier rounds: shape 1/alpha + sum of its
   earlier counts, rate 1/alpha + sum of their expected counts pop_is * rho_s.
3. **The predictive distribution** of its count in round r, with expected count E = pop_ir *
   rho_r at the national rate, is then negative binomial (gamma-Poisson): mean E * shape /
   rate. `p_value` = P(X >= value), `z_score` = (value - mean) / sd.

A region with no earlier round (round 1) is judged against the national rate and the spread of
regions alone: that is the funnel against population (`p_national` gives this view for every
round). Flags: `warning` when p < WARNING_P (beyond the 99.8% control limit, one-sided 0.1%: in
a round of 16 regions x 4 indicators, about 0.06 false warnings are expected when nothing
happened), `watch` when p < WATCH_P (beyond the upper 95% limit).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from ahual.warehouse import store

WARNING_P = 0.001
WATCH_P = 0.025
ALPHA_FLOOR = 1e-8  # below this the regions are alike: the predictive is Poisson


@dataclass(frozen=True)
class Cell:
    round: int
    region: str
    value: float | None
    population: float | None


@dataclass(frozen=True)
class Judgement:
    national_rate: float | None = None  # per person, round r, the other regions
    alpha: float | None = None
    expected_national: float | None = None  # pop * national rate
    earlier_rounds: int = 0
    relative_level: float | None = None  # posterior mean of theta
    expected: float | None = None  # predictive mean
    sd: float | None = None
    z_score: float | None = None
    p_value: float | None = None
    p_national: float | None = None  # P(X >= value) at the national rate and spread only
    limit_95: float | None = None  # predictive 97.5% quantile: above it, watch
    limit_998: float | None = None  # predictive 99.9% quantile: above it, warning
    level: str = "expected"  # warning | watch | expected | not reported | no population | no basis
    note: str = ""


def national_fit(cells: list[Cell], rounds: list[int]) -> tuple[dict[int, float], float]:
    """Per-round rate per person and the NB2 dispersion alpha from the cells (statsmodels).

    A round whose cells count nothing gives its rate no estimate: then one rate for all the
    rounds is fitted instead. Raises ValueError when the cells count nothing at all."""
    from statsmodels.discrete.discrete_model import NegativeBinomial

    y = np.array([c.value for c in cells], dtype=float)
    exposure = np.array([c.population for c in cells], dtype=float)
    if not len(y) or y.sum() == 0:
        raise ValueError("the other regions counted nothing in these rounds")
    by_round = np.array([c.round for c in cells])
    separate = all(y[by_round == r].sum() > 0 for r in rounds)
    if separate:
        x = (by_round[:, None] == np.array(rounds)[None, :]).astype(float)
    else:
        x = np.ones((len(y), 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = NegativeBinomial(y, x, offset=np.log(exposure)).fit(disp=0, maxiter=500)
    params = np.asarray(result.params, dtype=float)
    alpha = float(params[-1])
    if not np.all(np.isfinite(params)):
        raise ValueError("the negative binomial fit did not converge")
    rates = {r: math.exp(params[k if separate else 0]) for k, r in enumerate(rounds)}
    return rates, max(alpha, 0.0)


def _predictive(shape: float, rate: float, expected: float):
    """The gamma-Poisson predictive as scipy's negative binomial (None: Poisson)."""
    from scipy import stats

    if shape > 1e10:
        return stats.poisson(expected * shape / rate)
    return stats.nbinom(shape, rate / (rate + expected))


def judge(cells: list[Cell], region: str, round_no: int) -> Judgement:
    """The region's count in the round against its expected level (see the module's doc)."""
    own = {c.round: c for c in cells if c.region == region}
    cell = own.get(round_no)
    if cell is None or cell.value is None:
        return Judgement(level="not reported", note="no value for this round")
    if cell.population is None:
        return Judgement(level="no population", note="no official population for the round")
    rounds = sorted({c.round for c in cells if c.round <= round_no})
    others = [c for c in cells if c.region != region and c.round <= round_no
              and c.value is not None and c.population is not None]
    try:
        rates, alpha = national_fit(others, rounds)
    except ValueError as failed:
        return Judgement(level="no basis", note=str(failed))
    expected_here = cell.population * rates[round_no]
    earlier = [own[s] for s in sorted(own) if s < round_no and own[s].value is not None
               and own[s].population is not None]
    prior = 1 / max(alpha, ALPHA_FLOOR)
    shape = prior + sum(c.value for c in earlier)
    rate = prior + sum(c.population * rates[c.round] for c in earlier)
    predictive = _predictive(shape, rate, expected_here)
    national = _predictive(prior, prior, expected_here)
    mean, sd = float(predictive.mean()), float(predictive.std())
    x = cell.value
    p = float(predictive.sf(x - 1))
    level = "warning" if p < WARNING_P else "watch" if p < WATCH_P else "expected"
    return Judgement(
        national_rate=rates[round_no], alpha=alpha, expected_national=expected_here,
        earlier_rounds=len(earlier), relative_level=shape / rate, expected=mean, sd=sd,
        z_score=(x - mean) / sd if sd > 0 else None, p_value=p,
        p_national=float(national.sf(x - 1)),
        limit_95=float(predictive.ppf(1 - WATCH_P)), limit_998=float(predictive.ppf(1 - WARNING_P)),
        level=level)


def fixed_rule(history: list[float | None], value: float | None) -> bool:
    """The old fixed rule (once marts.monitoring_indicators.early_warning; now only
    marts.monitoring_warnings.fixed_rule_warning, kept for comparison): at least 1.5 times the
    region's mean over its earlier rounds and at least 3 above it; never in a region's first
    round."""
    earlier = [v for v in history if v is not None]
    if value is None or not earlier:
        return False
    mean = sum(earlier) / len(earlier)
    return value >= 1.5 * mean and value - mean >= 3


# --- comparing the two rules on simulated rounds ------------------------------------------------

@dataclass(frozen=True)
class Profile:
    """An indicator as the demo shows it: rate per person per round and spread of regions."""
    indicator: str
    rate: float
    alpha: float


def simulate_rounds(rng: np.random.Generator, populations: dict[str, float], profile: Profile,
                    rounds: int = 3) -> list[Cell]:
    """Counts of one indicator for every region and round when nothing happens: each region
    has its own level theta ~ Gamma(1/alpha, 1/alpha) (kept over the rounds), counts are
    Poisson(pop * rate * theta)."""
    cells = []
    for region in sorted(populations):
        theta = rng.gamma(1 / profile.alpha, profile.alpha) if profile.alpha > 0 else 1.0
        for r in range(1, rounds + 1):
            mean = populations[region] * profile.rate * theta
            cells.append(Cell(r, region, float(rng.poisson(mean)), populations[region]))
    return cells


def flags(cells: list[Cell]) -> dict[str, set[tuple[int, str]]]:
    """(round, region) flagged by each rule: 'fixed', 'warning' (p < WARNING_P) and 'watch'."""
    out: dict[str, set[tuple[int, str]]] = {"fixed": set(), "warning": set(), "watch": set()}
    by_region: dict[str, dict[int, float | None]] = {}
    for c in cells:
        by_region.setdefault(c.region, {})[c.round] = c.value
    for c in cells:
        own = by_region[c.region]
        if fixed_rule([own[s] for s in sorted(own) if s < c.round], c.value):
            out["fixed"].add((c.round, c.region))
        level = judge(cells, c.region, c.round).level
        if level == "warning":
            out["warning"].add((c.round, c.region))
        if level in ("warning", "watch"):
            out["watch"].add((c.round, c.region))
    return out


@dataclass
class Comparison:
    profile: Profile
    datasets: int
    cells: int  # judged per dataset
    false_flags: dict[str, int]  # rule -> flags raised in all the null datasets
    found: dict[tuple[str, int], int]  # (rule, spike) -> planted spikes flagged


SPIKES = (3, 5, 9)


def compare_rules(populations: dict[str, float], profiles: list[Profile], datasets: int,
                  seed: int = 2007) -> list[Comparison]:
    """Both rules on simulated rounds: how many flags each raises when nothing happens, and how
    often each finds a spike planted in round 3 (a random region's count raised by 3, 5, 9)."""
    rng = np.random.default_rng(seed)
    out = []
    for profile in profiles:
        result = Comparison(profile, datasets, 3 * len(populations),
                            {"fixed": 0, "warning": 0, "watch": 0},
                            {(rule, k): 0 for rule in ("fixed", "warning", "watch")
                             for k in SPIKES})
        for _ in range(datasets):
            cells = simulate_rounds(rng, populations, profile)
            for rule, flagged in flags(cells).items():
                result.false_flags[rule] += len(flagged)
            region = sorted(populations)[int(rng.integers(len(populations)))]
            for k in SPIKES:
                spiked = [Cell(c.round, c.region, c.value + k, c.population)
                          if (c.round, c.region) == (3, region) else c for c in cells]
                own = [c.value for c in spiked if c.region == region]
                level = judge(spiked, region, 3).level
                result.found[("fixed", k)] += fixed_rule(own[:2], own[2])
                result.found[("warning", k)] += level == "warning"
                result.found[("watch", k)] += level in ("warning", "watch")
        out.append(result)
    return out


def comparison_table(results: list[Comparison]) -> str:
    """The comparison as a markdown table."""
    lines = [("| indicator (as in the demo) | rule | flags per round set when nothing happened "
             "| planted +3 found | +5 found | +9 found |"), "|---|---|---|---|---|---|"]
    names = {"fixed": "old rule (>= 1.5x and >= 3 above the own mean)",
             "warning": "warning, p < 0.001", "watch": "watch or warning, p < 0.025"}
    for r in results:
        for rule in ("fixed", "warning", "watch"):
            per_set = r.false_flags[rule] / r.datasets
            found = [f"{r.found[(rule, k)] / r.datasets:.0%}" for k in SPIKES]
            lines.append(f"| {r.profile.indicator} (rate {r.profile.rate * 1e5:.3f} per 100,000, "
                         f"alpha {r.profile.alpha:.2f}) | {names[rule]} | {per_set:.2f} of "
                         f"{r.cells} | " + " | ".join(found) + " |")
    return "\n".join(lines)


def demo_table(con) -> str:
    """Both rules on what was loaded (marts.monitoring_warnings), round by round, and every cell
    either rule flags or watches, as markdown."""
    rounds = con.sql(store.query("model_monitoring_warnings_comparison_rounds")).fetchall()
    cells = con.sql(store.query("model_monitoring_warnings_comparison_cells")).fetchall()
    lines = ["| round | cells judged | old rule | warning (p < 0.001) | watch (p < 0.025) |",
             "|---|---|---|---|---|"]
    lines += [f"| {r} | {n} | {fixed} | {warning} | {watch} |"
              for r, n, fixed, warning, watch in rounds]
    lines += ["", "| round | region | indicator | value | expected | p | new rule | old rule |",
              "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r} | {region} | {indicator} | {value:g} | {expected:.2f} | {p:.3g} | {level} | "
              f"{'flag' if fixed else ''} |"
              for r, region, indicator, value, expected, p, level, fixed in cells]
    return "\n".join(lines)


DATASETS = 60


def main(argv: list[str] | None = None) -> int:
    """`python -m ahual.warehouse.control_limits WAREHOUSE`: the comparison of the two rules
    (warehouse/marts/monitoring_warnings.comparison.md) on the loaded rounds and on rounds
    simulated with the demo's rates, spreads and populations."""
    import argparse

    import duckdb

    parser = argparse.ArgumentParser(prog="python -m ahual.warehouse.control_limits")
    parser.add_argument("warehouse", help="a warehouse.duckdb (opened read-only)")
    parser.add_argument("--datasets", type=int, default=DATASETS)
    args = parser.parse_args(argv)
    with duckdb.connect(args.warehouse, read_only=True) as con:
        demo = demo_table(con)
        populations = dict(con.sql(store.query(
            "model_monitoring_warnings_comparison_populations")).fetchall())
        profiles = [Profile(i, rate / 1e5, alpha) for i, rate, alpha in con.sql(store.query(
            "model_monitoring_warnings_comparison_profiles")).fetchall()]
    larger = next(p for p in profiles if p.indicator == "ADMIN_CASES")
    profiles.append(Profile("ADMIN_CASES x10", larger.rate * 10, larger.alpha))
    simulated = comparison_table(compare_rules(populations, profiles, args.datasets))
    print(f"""# Early warnings: the old fixed rule and the negative binomial rule

Made by `python -m ahual.warehouse.control_limits WAREHOUSE` (the demo's warehouse).

Every early warning Ahual shows is the negative binomial rule's: marts.monitoring_warnings,
level `warning` (p < 0.001), with `watch` (p < 0.025) the lesser level. The old fixed rule (the
value at least 1.5 times the region's mean over its earlier rounds and at least 3 above it),
Ahual's rule until this comparison showed it no better, is kept beside it as
`fixed_rule_warning` for comparison only: it is not used to warn.

## On the demo's three rounds

{demo}

## On {args.datasets} simulated sets of three rounds per indicator

Each region keeps its own level (gamma, mean 1 and variance alpha, around the demo's median
national rate) and its counts are Poisson around it, with the demo's populations; nothing happens,
so every flag is a false alarm. Then one region's round-3 count is raised by 3, 5 or 9 and each
rule is asked about that cell. The old rule never judges a region's first round.

{simulated}
""", end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
