"""The geometry of the report's two charts, in SVG user units. The SVG itself is written by
templates/charts.html.j2 (autoescaped like the rest of the page); this module only places bars,
grid lines and labels, in no language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ahual.flows.report.sections.budget import BudgetYear


def n(x: float) -> str:
    """A coordinate: one decimal at most ("12.5", "40")."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def nice_step(top: float, ticks: int = 4) -> float:
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    css: str  # planned | spent
    value: float | None
    label_x: str  # the value written above the bar
    label_y: str


@dataclass(frozen=True)
class Tick:
    value: float
    y: str
    label_y: str
    axis: bool  # the zero line


@dataclass(frozen=True)
class Group:
    year: str
    x: str  # centre
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BudgetChart:
    width: int
    height: int
    left: int
    right_edge: int
    tick_x: int
    year_y: int
    ticks: tuple[Tick, ...]
    groups: tuple[Group, ...]
    legend: tuple[tuple[str, int], ...]  # (css, x) of the planned and spent swatches


def budget_chart(years: list[BudgetYear]) -> BudgetChart:
    """Planned and spent by year: grouped vertical bars with their values written above."""
    width, height, left, right, top, bottom = 520, 270, 56, 8, 40, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for row in years for v in (row.planned, row.spent) if v]
    highest = max(values, default=1.0)
    step = nice_step(highest)
    ceiling = step * math.ceil(highest / step)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / ceiling)

    ticks, tick = [], 0.0
    while tick <= ceiling + step / 2:
        ticks.append(Tick(tick, n(y(tick)), n(y(tick) + 4), tick == 0))
        tick += step
    slot = plot_w / max(len(years), 1)
    bar = min(56.0, slot * 0.3)
    groups = []
    for i, row in enumerate(years):
        centre = left + slot * (i + 0.5)
        bars = []
        for j, (value, css) in enumerate(((row.planned, "planned"), (row.spent, "spent"))):
            x = centre - bar - 2 + j * (bar + 4)
            top_y = y(value) if value else y(0)
            bars.append(Bar(n(x), n(top_y), n(bar), n(y(0) - top_y), css, value,
                            n(x + bar / 2), n(top_y - 6)))
        groups.append(Group(row.year, n(centre), tuple(bars)))
    return BudgetChart(width, height, left, width - right, left - 8, height - 10, tuple(ticks),
                       tuple(groups), (("planned", left), ("spent", left + 150)))


@dataclass(frozen=True)
class ProgressBar:
    width: int
    height: int
    fill: str


def progress_bar(share: float) -> ProgressBar:
    """A target's achieved share of its plan, 0..1."""
    width, height = 160, 10
    return ProgressBar(width, height, n(width * min(max(share, 0.0), 1.0)))
