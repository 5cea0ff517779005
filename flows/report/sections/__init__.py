"""The report's sections, each in its module, named as its template (templates/<name>.html.j2):
the figures in no language, from a ReportData; names.py and language.py word them.

    key_figures.py       the summary's key figures, from the sections below
    progress.py          the measures by the plan's section; the overdue ones
    scorecard.py         the targets, planned against achieved
    budget.py            planned, printed and spent by year; each measure's funding by year
    registrations.py     registered associations by region and confession family on the
                         period's reporting date, their change, the rate per 100,000 and the
                         coverage (who reported; a partial date has no national figure)
    surveys.py           the headline answer of each survey question, nationally for every
                         study fielded by the period's end and by region for the latest one
    monitoring.py        the latest round's highlights and early warnings
    monitoring_index.py  the latest round's index by region
    watch.py             what to watch: forecasts and improbable counts
    not_reported.py      the agencies and regions that have not reported
    sheets.py            the workbook's sheets for the religious situation, the monitoring
                         index, the forecasts and the improbable counts
"""
