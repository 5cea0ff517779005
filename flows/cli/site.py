"""`ahual site`: the static kk/ru/en site of every quarterly snapshot and of the live
warehouse (flows/site/); `--serve` serves it on 127.0.0.1, read-only. This module only reads
arguments and prints."""

from __future__ import annotations

from typing import Annotated

import typer

from ahual.flows import settings
from ahual.flows.cli.common import EXIT_OK
from ahual.flows.console import say
from ahual.flows.periods import Period
from ahual.flows.problems import UsageError

EXIT_CODES = ("Exit status: 0 written (or served until interrupted); 1 there is no published "
              "warehouse to build from; 2 usage error (an unknown quarter or a bad port).")


def site(
    quarter: Annotated[str | None, typer.Option(
        "--quarter", metavar="YYYYQn", help="only the site of this snapshot")] = None,
    live: Annotated[bool | None, typer.Option(
        "--live/--no-live", help="the site of the live warehouse too (default: with every "
        "snapshot, not with --quarter)")] = None,
    serve: Annotated[bool, typer.Option(
        "--serve", help="then serve AHUAL_HOME/site/ on 127.0.0.1, read-only, until Ctrl-C")
    ] = False,
    port: Annotated[int, typer.Option("--port", help="the port to serve on (0: a free one)")
                    ] = 8765,
) -> int:
    """Write the site: a home page with the headline figures and a map of regions, a page per
    table (what it measures, columns, a chart, a filterable table, CSV/XLSX/Parquet, lineage
    to the input files, their validation pages and Prefect runs), a page per region and the
    changes since the previous snapshot, in Kazakh, Russian and English. It opens from disk
    with no network: AHUAL_HOME/site/<quarter or live>/index.html.

    Example: ahual site ; ahual site --quarter 2009Q1 --serve"""
    if quarter is not None:
        period = Period.parse(quarter)
        if period.kind != "Q":
            raise UsageError(f"snapshots are quarterly: write a quarter like 2008Q4, not "
                             f"{quarter}")
        quarter = str(period)
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: a port is 0-65535")
    # pandas, openpyxl, jinja (~1.5 s): when the command runs, not for --help
    from ahual.flows.site.build import build_sites
    from ahual.flows.site.serve import server

    for index in build_sites(quarter, live):
        say(f"site written: {index}")
    if serve:
        httpd = server(settings.home().root / "site", port)
        say(f"serving {settings.home().root / 'site'} read-only at "
            f"http://127.0.0.1:{httpd.server_address[1]}/ (Ctrl-C stops)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()
    return EXIT_OK
