"""What notebooks import (`from ahual.flows import notebook as nb`): the published warehouse,
the names of its codes in the analyst's language, charts and a tile map of the regions.

A notebook starts with

    LANG = "ru"                # kk | ru | en
    words = setup(LANG)        # chart style, and the notebook's words in LANG

and then names every code through `words.names("region")` (a Series: code -> name), writes its
titles with `words("key", ...)` (the wording is in words.yaml; statuses, units, numbers, dates
and periods are the report's, flows/report/labels/), and draws regions with `tile_map`.

    published.py  `query` and `mart`: the published warehouse, opened read-only per query
    words.py      `Words`: the notebooks' words and the names of codes in one language
    tables.py     `table`: a frame written in the notebook's language
    charts.py     `setup`, titles, axes, the shared colours, `interval_chart`
    tiles.py      `tile_map`: the 16 regions of 2007 as tiles
    execute.py    executed HTML copies: `python -m ahual.flows.notebook [--lang kk] [OUT_DIR]`
                  writes AHUAL_HOME/notebooks/<name>.html (not imported here: nbconvert and
                  nbclient take seconds to import, which no notebook needs)
"""

from ahual.flows.notebook.charts import (
    FAMILY_COLORS,
    STATUS_COLORS,
    heading,
    interval_chart,
    number_axis,
    percent_axis,
    setup,
    wrap,
)
from ahual.flows.notebook.published import home, mart, query, warehouse
from ahual.flows.notebook.tables import table
from ahual.flows.notebook.tiles import TILES, tile_map
from ahual.flows.notebook.words import LANGUAGES, WORDS, Words, names

__all__ = ["FAMILY_COLORS", "LANGUAGES", "STATUS_COLORS", "TILES", "WORDS", "Words", "heading",
           "home", "interval_chart", "mart", "names", "number_axis", "percent_axis", "query",
           "setup", "table", "tile_map", "warehouse", "wrap"]
