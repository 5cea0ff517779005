"""Write datasets/demo/receipts.csv: when each made-up demo file reached the centre (MADE UP).

Every file arrives on or before its due date (10 January / 10 July after its half-year), except
the Ministry of Culture and Information's separate 2008H2 progress file, which arrives on
25 January 2009, 15 days late, and Mangystau's round-2 monitoring sheet (3 February 2009).
`ahual demo` copies the file into the demo home as AHUAL_HOME/receipts.csv. Deterministic:
`python datasets/demo/make_receipts.py` (after the other generators: it hashes their files).
Every row says `made_up = true`: the marts mark the figures of these files as made up.
"""

from __future__ import annotations

import csv
import hashlib

from make_registrations import HERE

# file name -> (received on, sender, note); every demo input file must be listed
RECEIVED = {
    "registrations/2007-01-01_all-regions_ru.csv": ("2007-01-09", "regions", ""),
    "registrations/2008-01-01_all-regions_kk.xlsx": ("2008-01-10", "regions", ""),
    "registrations/2008-01-01_karaganda-corrected_en.csv": ("2008-02-04", "Karaganda Region",
                                                            "a correction"),
    "registrations/2009-01-01_all-regions_en.csv": ("2009-01-08", "regions", ""),
    "registrations/2009-07-01_zhambyl_has-errors.csv": ("2009-07-09", "Zhambyl Region", ""),
    "progress/progress-2007H2_agencies_ru.csv": ("2008-01-10", "Ministry of Justice", ""),
    "progress/progress-2008H1_agencies_kk.xlsx": ("2008-07-09", "Ministry of Justice", ""),
    "progress/progress-2008H2_agencies_en.csv": ("2009-01-10", "Ministry of Justice", ""),
    "progress/progress-2008H2_mci-late_en.csv": ("2009-01-25", "MCI", "15 days late"),
    "progress/progress-2009H1_agencies_ru.xlsx": ("2009-07-10", "Ministry of Justice", ""),
    "progress/progress-2009H2_agencies_kk.csv": ("2010-01-08", "Ministry of Justice", ""),
}
MONITORING_DUE = {"round-1": "2008-01-10", "round-2": "2009-01-10", "round-3": "2010-01-10"}


def main() -> None:
    rows = []
    for name, (day, sender, note) in RECEIVED.items():
        rows.append((name, day, sender, note))
    for path in sorted((HERE / "monitoring").rglob("*.*")):
        late = "mangystau-late" in path.name  # sent in a file of its own, 24 days late
        rows.append((path.relative_to(HERE).as_posix(),
                     "2009-02-03" if late else MONITORING_DUE[path.parent.name],
                     "Mangystau Region" if late else "regions", "24 days late" if late else ""))
    # every other input of every kind's folder (a study's files come with the fieldwork
    # report, a register extract when it is asked for): no obligation, so no received date,
    # but made up all the same
    listed = {name for name, *_ in rows}
    for path in sorted(HERE.glob("*/**/*.*")):
        name = path.relative_to(HERE).as_posix()
        if name not in listed and path.name != "README.md":
            rows.append((name, "", "", ""))
    with open(HERE / "receipts.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file_sha256", "file_name", "received_on", "sender", "made_up",
                         "note"])
        for name, day, sender, note in rows:
            sha = hashlib.sha256((HERE / name).read_bytes()).hexdigest()
            writer.writerow([sha, name, day, sender, "true",
                             f"MADE UP (demo){'; ' + note if note else ''}"])


if __name__ == "__main__":
    main()
