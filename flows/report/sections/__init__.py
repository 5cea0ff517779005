"""Sections of the report beyond the programme's own figures (figures.py), each in its module:
the figures in no language, from a ReportData, as figures.py makes them for the others.

    registrations.py  registered associations by region and confession family on the period's
                      reporting date, their change, the rate per 100,000 and the coverage
                      (who reported; a partial date has no national figure)
    surveys.py        the headline answer of each survey question, nationally for every study
                      fielded by the period's end and by region for the latest one
    sheets.py         the workbook's sheets for these sections and for the monitoring index,
                      the forecasts and the improbable counts
"""
