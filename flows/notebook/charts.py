"""The notebooks' charts: their style (`setup`, called once at the top of a notebook), titles,
axes written in the notebook's language, the colours every chart shares, and estimates with
their intervals.
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ahual.flows.notebook.published import home
from ahual.flows.notebook.words import Words


def setup(lang: str) -> Words:
    """Call once at the top of a notebook: the charts' style, and the notebook's `Words`."""
    mpl.rcParams.update({
        "figure.dpi": 110, "figure.figsize": (9, 4.5), "font.size": 9.5,
        "axes.titlesize": 11.5, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "axes.titlepad": 10, "axes.spines.top": False, "axes.spines.right": False,
        "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.6,
        "axes.axisbelow": True, "legend.frameon": False,
    })
    words = Words(lang)
    if home().is_demo:  # the notebook's copy says so wherever it is read
        display(HTML('<div class="ahual-demo-banner" style="background:#fff3cd;border:2px '
                     'solid #b45309;padding:8px 12px;font-weight:bold;color:#7c2d12">'
                     f'{words("demo_banner")}</div>'))
    return words


def wrap(text: str, width: int = 28) -> str:
    """A long name on a few lines (chart labels)."""
    return "\n".join(textwrap.wrap(str(text), width, break_on_hyphens=True)) or str(text)


def heading(ax: Axes, title: str, subtitle: str = "") -> None:
    """A chart's title in bold, and under it what the chart counts, in plain grey."""
    if not subtitle:
        ax.set_title(title, loc="left")
        return
    under = ax.set_title(subtitle, loc="left", fontsize=9.5, fontweight="normal",
                         color="#555555")
    ax.annotate(title, xy=(0, 1), xycoords=under, xytext=(0, 3), textcoords="offset points",
                ha="left", va="bottom", fontsize=mpl.rcParams["axes.titlesize"],
                fontweight="bold")


def percent_axis(ax: Axes, words: Words, axis: str = "x") -> None:
    """Shares on an axis written as percentages in the notebook's language."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 5, 10]))
    target.set_major_formatter(FuncFormatter(lambda value, _: words.percent(value)))


def number_axis(ax: Axes, words: Words, axis: str = "y") -> None:
    """Counts on an axis written with the language's thousands separator."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(integer=True))
    target.set_major_formatter(FuncFormatter(lambda value, _: words.number(value)))


# One colour per confession family (and the unattributed remainder), the same in every chart.
FAMILY_COLORS = {
    "ISL": "#2a7f62", "ORT": "#d4a017", "CAT": "#7b4fa0", "PRO": "#3a6fb0", "JUD": "#4fa3c7",
    "BUD": "#e07b39", "NTR": "#8c8c8c", "CHF": "#b5651d", "UNATTRIBUTED": "#d9d9d9",
}
# Statuses by what they mean to the analyst: done, under way, late, missing.
STATUS_COLORS = {
    "done": "#2a7f62", "achieved": "#2a7f62", "complete": "#2a7f62",
    "in progress": "#7fb3d5", "on track": "#7fb3d5",
    "behind": "#e08a2c", "incomplete": "#e08a2c", "not started": "#c0504d",
    "not reported": "#b0b0b0",
}


def interval_chart(frame: pd.DataFrame, labels: str, words: Words, *, ax: Axes | None = None,
                   title: str = "", subtitle: str = "", xlabel: str = "") -> Axes:
    """Estimates with their 95% intervals (columns estimate, ci_low, ci_high), one row per
    `labels`, top to bottom in the frame's order; each point labelled with its percentage."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.42 * len(frame) + 1.2))
    rows = list(range(len(frame)))[::-1]
    ax.errorbar(frame["estimate"], rows, fmt="o", color="#3a6fb0", ecolor="#9dbbdc",
                elinewidth=3, capsize=0,
                xerr=[frame["estimate"] - frame["ci_low"], frame["ci_high"] - frame["estimate"]])
    for row, (_, item) in zip(rows, frame.iterrows(), strict=True):
        ax.annotate(words.percent(item["estimate"]), (item["ci_high"], row),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=8.5)
    ax.set_yticks(rows, [wrap(text, 40) for text in frame[labels]])
    ax.grid(axis="y", visible=False)
    percent_axis(ax, words)
    low, high = frame["ci_low"].min(), frame["ci_high"].max()
    ax.set_xlim(max(0, low - 0.05), min(1.0, high + 0.08))
    ax.set_xlabel(xlabel)
    if title:
        heading(ax, title, subtitle)
    return ax
