"""The regional picture in a notebook: the 16 regions of 2007 as tiles in their rough places.
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch, Patch

from ahual.flows.notebook.charts import heading, wrap
from ahual.flows.notebook.words import Words

# The 16 first-level units of 2007 (14 oblasts, Astana and Almaty cities) on a grid in their
# rough geographic positions, north at the top: region_code -> (row, column).
TILES: dict[str, tuple[int, int]] = {
    "27": (0, 0), "39": (0, 1), "59": (0, 2), "55": (0, 3),               # West Kaz. .. Pavlodar
    "23": (1, 0), "15": (1, 1), "11": (1, 2), "71": (1, 3), "63": (1, 4),  # Atyrau .. East Kaz.
    "47": (2, 0), "43": (2, 1), "35": (2, 2), "19": (2, 3),               # Mangystau .. Almaty r.
    "51": (3, 1), "31": (3, 2), "75": (3, 3),                             # South Kaz. .. Almaty
}


def tile_map(values: pd.Series, words: Words, *, title: str = "", subtitle: str = "",
             label: str = "", ax: Axes | None = None, cmap: str = "Blues", percent: bool = False,
             decimals: int | None = None, notes: pd.Series | None = None,
             highlight: Iterable[str] = (), highlight_label: str = "",
             colors: dict[str, str] | None = None) -> Axes:
    """The 16 regions of 2007 as tiles in their rough places, each named in `words`' language.

    values: a Series indexed by region code. Numbers colour the tiles on `cmap` (a colour bar
    titled `label`; `percent` for shares) and are written on them; texts are categories,
    coloured by `colors` (category -> colour) with a legend. A region without a value is grey
    with «–». notes: a second line per tile (e.g. an interval); highlight: regions outlined in
    red (e.g. early warnings), explained in the legend by `highlight_label`.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9.5, 6.2))
    region_names = words.names("region")
    values = values.copy()
    values.index = values.index.astype(str)
    unknown = sorted(set(values.index) - set(TILES))
    if unknown:
        raise ValueError(f"no tile for region code(s) {', '.join(unknown)} (the 16 regions of "
                         "2007; map later regions to them with comparable_2007_code)")
    numeric = pd.api.types.is_numeric_dtype(values.dtype)
    if not numeric and values.dropna().map(lambda v: isinstance(v, int | float)).all():
        values, numeric = pd.to_numeric(values), True
    highlight = set(map(str, highlight))
    if numeric:
        present = values.dropna().astype(float)
        low, high = (float(present.min()), float(present.max())) if len(present) else (0, 1)
        norm = mcolors.Normalize(vmin=low, vmax=high if high > low else low + 1)
        palette = plt.get_cmap(cmap)
    rows = 1 + max(r for r, _ in TILES.values())
    for code, (row, column) in TILES.items():
        value = values.get(code)
        missing = value is None or pd.isna(value)
        if missing:
            fill = "#eeeeee"
        elif numeric:
            fill = palette(0.12 + 0.88 * norm(float(value)))
        else:
            fill = (colors or {}).get(value, "#cccccc")
        x, y = column, rows - 1 - row
        ax.add_patch(FancyBboxPatch((x + 0.04, y + 0.04), 0.92, 0.92,
                                    boxstyle="round,pad=0,rounding_size=0.08", facecolor=fill,
                                    edgecolor="#c0392b" if code in highlight else "white",
                                    linewidth=3 if code in highlight else 1))
        red, green, blue = mcolors.to_rgb(fill)
        ink = "white" if 0.299 * red + 0.587 * green + 0.114 * blue < 0.55 else "#222222"
        name = region_names.get(code, code)
        ax.text(x + 0.5, y + 0.88, wrap(name, 15), ha="center", va="top", fontsize=7.8,
                color=ink, linespacing=1.05)
        if numeric:
            shown = "–" if missing else (words.percent(value, decimals or 0) if percent
                                         else words.number(value, decimals))
            ax.text(x + 0.5, y + 0.2 if notes is not None else 0.12 + y, shown, ha="center",
                    va="bottom", fontsize=13, fontweight="bold", color=ink)
        elif missing:
            ax.text(x + 0.5, y + 0.12, "–", ha="center", va="bottom", fontsize=13, color=ink)
        if notes is not None and not missing and pd.notna(notes.get(code)):
            ax.text(x + 0.5, y + 0.08, str(notes.get(code)), ha="center", va="bottom",
                    fontsize=7, color=ink)
    columns = 1 + max(c for _, c in TILES.values())
    ax.set_xlim(0, columns)
    ax.set_ylim(0, rows)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        heading(ax, title, subtitle)
    handles = []
    if numeric:
        bar = plt.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=palette), ax=ax, shrink=0.55,
                           pad=0.01)
        bar.outline.set_visible(False)
        bar.set_label(label)
        bar.ax.yaxis.set_major_formatter(
            (lambda v, _: words.percent(v)) if percent else (lambda v, _: words.number(v)))
    else:
        handles = [Patch(facecolor=color, label=category)
                   for category, color in (colors or {}).items() if category in set(values)]
    if highlight:
        handles.append(Patch(facecolor="white", edgecolor="#c0392b", linewidth=2,
                             label=highlight_label))
    if handles:  # in the empty cells at the bottom right (south-east of Almaty)
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(4.05 / columns, 0.0),
                  fontsize=8.5, title=label if not numeric else None, alignment="left")
    return ax
