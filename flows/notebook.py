"""What notebooks import: the published warehouse, the names of its codes in the analyst's
language, a tile map of the regions, and the executed HTML copies of notebooks/.

Each `query` opens the published copy read-only, fetches through Arrow and closes it again, so a
notebook left running never blocks a scheduled load (loads write elsewhere and publish by
renaming, see warehouse/store.py). The warehouse is AHUAL_HOME's, else the per-user default
that `ahual demo` uses, wherever Jupyter was started.

A notebook starts with

    LANG = "ru"                # kk | ru | en
    words = setup(LANG)        # chart style, and the notebook's words in LANG

and then names every code through `words.names("region")` (a Series: code -> name), writes its
titles with `words("key", ...)` (the wording is in `WORDS` below; statuses, units, numbers, dates
and periods are the report's, flows/report/labels/), and draws regions with `tile_map`.

`python -m ahual.notebook [--lang kk] [OUT_DIR]` executes every notebook and writes executed
HTML copies to AHUAL_HOME/notebooks/<name>.html (`execute_all`).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import yaml

from ahual import resources, settings
from ahual.report.language import Language
from ahual.warehouse import store

if TYPE_CHECKING:  # matplotlib and nbclient are the `notebooks` extra: imported when used
    from matplotlib.axes import Axes
    from nbformat import NotebookNode

LANGUAGES = ("kk", "ru", "en")


# --- the published warehouse ------------------------------------------------------------------


def home() -> settings.Home:
    """The home a notebook reads: AHUAL_HOME when set; else the analyst's default home, or,
    when that holds no warehouse yet, the demo's (whose figures every notebook marks as made
    up)."""
    chosen = settings.home()
    if os.environ.get("AHUAL_HOME") or chosen.published_warehouse.exists():
        return chosen
    demo = settings.Home(settings.default_demo_home())
    return demo if demo.published_warehouse.exists() else chosen


def warehouse() -> store.Warehouse:
    found = home()
    return store.Warehouse(found.working_warehouse, found.published_warehouse, found.writer_lock)


def query(sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Run one read-only query on the published warehouse and return a pandas frame. A sum of
    whole numbers (DuckDB's HUGEINT or DECIMAL(_, 0)) comes back as integers, other decimals as
    floats, not as Python Decimal objects."""
    import pyarrow as pa

    with warehouse().read_published() as con:
        table = con.sql(sql, params=params).to_arrow_table()
    for index, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):
            column = table.column(index)
            try:  # a safe cast: a whole number beyond int64 raises, and becomes a float
                column = column.cast(pa.int64() if field.type.scale == 0 else pa.float64())
            except pa.ArrowInvalid:
                column = column.cast(pa.float64())
            table = table.set_column(index, field.name, column)
    return table.to_pandas()


def mart(name: str) -> pd.DataFrame:
    """A whole mart, e.g. `mart("association_growth")`."""
    if not name.isidentifier():
        raise ValueError(f"not a mart name: {name!r}")
    return query(f"SELECT * FROM marts.{name}")


# --- the analyst's language -------------------------------------------------------------------

# The notebooks' own wording, one entry per key in kk, ru and en ({name} is filled in).
WORDS: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).with_name("notebook_words.yaml")).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Words:
    """A notebook's words in one language: `words("key", name=...)`, the names of codes
    (`words.names("region")`), and numbers, dates, periods and statuses as the report writes
    them in that language."""

    code: str  # kk | ru | en

    def __post_init__(self) -> None:
        if self.code not in LANGUAGES:
            raise ValueError(f"LANG must be one of {', '.join(LANGUAGES)}, not {self.code!r}")

    def __call__(self, key: str, **values) -> str:
        if key not in WORDS:
            raise KeyError(f"ahual.notebook.WORDS has no {key!r}")
        text = WORDS[key][self.code]
        return text.format(**values) if values else text

    @cached_property
    def report(self) -> Language:
        return Language.of(self.code)

    def names(self, kind: str) -> pd.Series:
        """The name of every code of a kind in this language, a Series indexed by code: region,
        confession (families too), indicator, agency, study, question, measure, target."""
        return names(kind, self.code)

    def number(self, value, decimals: int | None = None) -> str:
        return self.report.number(value, decimals)

    def percent(self, share, decimals: int = 0) -> str:
        """0.804 -> «80 %» (kk, ru) or "80 %" (en), as the report writes a percentage."""
        if share is None or pd.isna(share):
            return "–"
        return self.report.t("format.percent", value=self.number(100 * share, decimals))

    def interval(self, low, high, decimals: int = 0) -> str:
        """An interval of shares: «58–80 %»."""
        if pd.isna(low) or pd.isna(high):
            return "–"
        return self.report.t("format.percent", value=f"{self.number(100 * low, decimals)}–"
                                                     f"{self.number(100 * high, decimals)}")

    def date(self, value) -> str:
        return self.report.date(value)

    def period(self, period: str) -> str:
        return self.report.period(period)

    def status(self, code: str | None) -> str:
        """A status in this language: the report's (done, behind, not reported ...) or the
        monitoring sheets' (complete, incomplete)."""
        if f"status_{code}" in WORDS:
            return self(f"status_{code}")
        return self.report.status(code)

    def unit(self, unit: str | None) -> str:
        return self.report.unit(unit)

    def round(self, number: int, year: int) -> str:
        return self("round", round=int(number), year=int(year))

    def domain(self, domain: str) -> str:
        """A survey estimate's domain: national, sex=female, age_group=60+ ... (regions by
        `names("region")`)."""
        if domain in WORDS:
            return self(domain)
        kind, _, value = domain.partition("=")
        if kind == "age_group":
            if value.endswith("+"):
                return self("age_and_over", value=value[:-1])
            return self("age", value=value.replace("-", "–"))
        if kind == "region":
            return self.names("region").get(value, value)
        return domain


def setup(lang: str) -> Words:
    """Call once at the top of a notebook: the charts' style, and the notebook's `Words`."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.dpi": 110, "figure.figsize": (9, 4.5), "font.size": 9.5,
        "axes.titlesize": 11.5, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "axes.titlepad": 10, "axes.spines.top": False, "axes.spines.right": False,
        "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.6,
        "axes.axisbelow": True, "legend.frameon": False,
    })
    words = Words(lang)
    if home().is_demo:  # the notebook's copy says so wherever it is read
        from IPython.display import HTML, display

        display(HTML('<div class="ahual-demo-banner" style="background:#fff3cd;border:2px '
                     'solid #b45309;padding:8px 12px;font-weight:bold;color:#7c2d12">'
                     f'{words("demo_banner")}</div>'))
    return words


# --- names of codes ---------------------------------------------------------------------------

# their names are in the warehouse: warehouse/queries/notebook_names.sql
_NAMED_IN_THE_WAREHOUSE = {"region", "confession", "indicator", "agency", "study", "measure"}


def _name_table(kind: str) -> pd.DataFrame:
    if kind in _NAMED_IN_THE_WAREHOUSE:
        names = query(store.query("notebook_names"))
        return names[names["kind"] == kind].drop(columns="kind").reset_index(drop=True)
    if kind == "question":  # the same question keeps its wording across studies
        from ahual.kinds.survey.registry import study_variables

        table = study_variables().drop_duplicates("variable")
        return table.rename(columns={"variable": "code", "question_kk": "kk",
                                     "question_ru": "ru", "question_en": "en"})
    if kind == "target":  # the kinds of output agencies report; studies and rounds from labels
        rows = [(code, kk, ru, en)
                for code, (en, ru, kk) in resources.contract("progress")["outputs"].items()]
        for code in ("sociological_studies", "monitoring_rounds"):
            rows.append((code, *(Language.of(lang).t(f"target.{code}")
                                 for lang in ("kk", "ru", "en"))))
        table = pd.DataFrame(rows, columns=["code", "kk", "ru", "en"])
        for lang in ("kk", "ru", "en"):
            table[lang] = table[lang].str[:1].str.upper() + table[lang].str[1:]
        return table
    raise ValueError(f"no names of {kind!r}: region, confession, indicator, agency, study, "
                     "question, measure or target")


def names(kind: str, lang: str) -> pd.Series:
    """`Words.names`: code -> name in `lang`; where the reference data has no text in it, the
    Kazakh text marked as such (measures in Russian), else the English one."""
    if lang not in LANGUAGES:
        raise ValueError(f"LANG must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    table = _name_table(kind).set_index("code")
    marker = Language.of(lang).t("marker.untranslated")
    fallback = (table["kk"] + " " + marker).where(table["kk"].notna(), table["en"])
    named = table[lang].where(table[lang].notna() & (table[lang].astype(str).str.strip() != ""),
                              fallback)
    return named.rename(kind)


def table(frame: pd.DataFrame, words: Words, columns: dict[str, str] | None = None):
    """A frame as the analyst reads it (a pandas Styler): each column headed by `columns`' name
    for it, else its WORDS name, else its own; numbers, dates and yes/no written in the
    language; «–» for nothing; no index."""
    from datetime import date

    columns = columns or {}

    def shown(value, decimals: int | None = None) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return "–"
        if pd.api.types.is_bool(value):
            return words.report.yes_no(bool(value))
        if isinstance(value, date):
            return words.date(value)
        if pd.api.types.is_number(value):
            return words.number(value, decimals)
        return str(value)

    formats = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_float_dtype(column) and not (column.dropna() % 1 == 0).all():
            # a column of fractions keeps as many places as its most precise value (up to 3)
            places = max(len(f"{v:.3f}".rstrip("0").split(".")[1]) for v in column.dropna())
            formats[name] = lambda v, places=places: shown(v, places)
        else:
            formats[name] = shown
    texts = [name for name in frame.columns
             if pd.api.types.is_string_dtype(frame[name]) or frame[name].dtype == object]
    headers = [columns[c] if c in columns else (words(c) if c in WORDS else c)
               for c in frame.columns]
    styled = frame.style.format(formats).hide(axis="index")
    styled = styled.set_properties(subset=texts, **{"text-align": "left"})
    styled = styled.set_table_styles([{"selector": "th", "props": "text-align: left"}])
    return styled.relabel_index(headers, axis="columns")


def wrap(text: str, width: int = 28) -> str:
    """A long name on a few lines (chart labels)."""
    return "\n".join(textwrap.wrap(str(text), width, break_on_hyphens=True)) or str(text)


def heading(ax: Axes, title: str, subtitle: str = "") -> None:
    """A chart's title in bold, and under it what the chart counts, in plain grey."""
    import matplotlib as mpl

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
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 5, 10]))
    target.set_major_formatter(FuncFormatter(lambda value, _: words.percent(value)))


def number_axis(ax: Axes, words: Words, axis: str = "y") -> None:
    """Counts on an axis written with the language's thousands separator."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

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


# --- the regional picture: a tile map --------------------------------------------------------

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
    import matplotlib.pyplot as plt
    from matplotlib import colors as mcolors
    from matplotlib.patches import FancyBboxPatch, Patch

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


def interval_chart(frame: pd.DataFrame, labels: str, words: Words, *, ax: Axes | None = None,
                   title: str = "", subtitle: str = "", xlabel: str = "") -> Axes:
    """Estimates with their 95% intervals (columns estimate, ci_low, ci_high), one row per
    `labels`, top to bottom in the frame's order; each point labelled with its percentage."""
    import matplotlib.pyplot as plt

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


# --- executed HTML copies ---------------------------------------------------------------------


@dataclass
class Executed:
    source: Path  # the notebook in notebooks/
    notebook: NotebookNode  # with its outputs
    html: Path  # the executed HTML copy
    error: str | None = None  # the failing cell's error, if one failed


class NotebookFailed(RuntimeError):
    pass


def notebooks_folder() -> Path:
    folder = resources.notebooks()
    if folder is None:
        raise FileNotFoundError("no notebooks/ folder: the notebooks come with the checkout, "
                                "not the installed package")
    return folder


def set_parameter(notebook: NotebookNode, name: str, value: str) -> None:
    """Give the first `NAME = "..."` assignment in the notebook a new value (e.g. LANG)."""
    line = re.compile(rf'^{name}\s*=\s*["\'][^"\']*["\']', re.MULTILINE)
    for cell in notebook.cells:
        if cell.cell_type == "code" and line.search(cell.source):
            cell.source = line.sub(f"{name} = {value!r}", cell.source, count=1)
            return
    raise ValueError(f"the notebook has no {name} = \"...\" line")


def execute(path: Path, out_dir: Path, *, lang: str | None = None,
            timeout: int = 600) -> Executed:
    """Run one notebook top to bottom in a fresh kernel started in its folder (as Jupyter
    does when the analyst opens it) and write its executed HTML copy to out_dir/<name>.html
    (<name>-<lang>.html when `lang` overrides the notebook's LANG), even when a cell fails."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook = nbformat.read(path, as_version=4)
    if lang is not None:
        Words(lang)  # a known language
        set_parameter(notebook, "LANG", lang)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as failure:
        error = str(failure) or type(failure).__name__
    name = path.stem if lang is None else f"{path.stem}-{lang}"
    html = out_dir / f"{name}.html"
    write_html(notebook, html, title=path.stem)
    return Executed(path, notebook, html, error)


def write_html(notebook: NotebookNode, target: Path, title: str) -> Path:
    """The notebook as one self-contained HTML page (charts embedded as PNG, no script fetched
    from the internet), written whole or not at all."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", require_js_url="", mathjax_url="")
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(body, encoding="utf-8")
    partial.replace(target)
    return target


def execute_all(out_dir: Path | None = None, *, lang: str | None = None,
                timeout: int = 600, check: bool = True) -> list[Executed]:
    """Execute every notebook in notebooks/ against the published warehouse and write the
    executed HTML copies (default: AHUAL_HOME/notebooks/). With `check`, a notebook with a
    failing cell raises NotebookFailed after all copies are written."""
    out_dir = Path(out_dir) if out_dir is not None else home().notebooks
    done = [execute(path, out_dir, lang=lang, timeout=timeout)
            for path in sorted(notebooks_folder().glob("[0-9][0-9]-*.ipynb"))]
    failed = [item for item in done if item.error]
    if check and failed:
        raise NotebookFailed("\n\n".join(f"{item.source.name} failed (its copy: {item.html}):\n"
                                         f"{item.error}" for item in failed))
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ahual.notebook",
        description="Execute the notebooks against the published warehouse and write executed "
                    "HTML copies (default: AHUAL_HOME/notebooks/).")
    parser.add_argument("out_dir", nargs="?", type=Path, help="where to write the HTML copies")
    parser.add_argument("--lang", choices=LANGUAGES, help="run them in this language instead "
                                                           "of each notebook's LANG")
    args = parser.parse_args(argv)
    done = execute_all(args.out_dir, lang=args.lang, check=False)
    for item in done:
        print(f"{'FAILED' if item.error else 'ok':6} {item.source.name:28} {item.html}")
    failed = [item for item in done if item.error]
    for item in failed:
        print(f"\n{item.source.name}:\n{item.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
