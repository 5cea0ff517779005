"""The old fixed rule and the negative binomial rule of marts.monitoring_warnings compared on
simulated rounds (monitoring_warnings.comparison.md): each region keeps its own level (gamma,
mean 1 and variance alpha, around an indicator's national rate) and its counts are Poisson around
it; nothing happens, so every flag is a false alarm. Then one region's round-3 count is raised by
each of `SPIKES` and each rule is asked about that cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ahual.warehouse.marts.monitoring_warnings.control_limits import Cell, fixed_rule, judge


@dataclass(frozen=True)
class Profile:
    """An indicator as the loaded rounds show it: rate per person per round and spread of
    regions."""
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
    lines = [("| indicator (as loaded) | rule | flags per round set when nothing happened "
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
