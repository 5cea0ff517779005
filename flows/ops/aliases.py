"""Unknown label -> map it once -> retry: the reconciliation loop analysts know from OpenRefine.

A file refused because a label is unknown («Орыс православие шіркеуі» for «Орыс православ
шіркеуі») waits in quarantine. `unknown_labels` lists every such label across the quarantine
(from each entry's reason.json: the latest attempt's problems under the rules known region /
known confession / known indicator / known agency), with the files that use it and the code
the vocabulary would suggest. `add_alias` records the analyst's decision in the local overlay
AHUAL_HOME/aliases.csv (who, when, why), after refusing anything that cannot be right: a kind
without a vocabulary, an unknown code, a label that already means another code, a label the
reference keeps out on purpose (datasets/reference/ambiguous_labels.csv), a label of another
kind, or a column header. Nothing is ever fuzzy-matched: a suggestion is shown, never applied.

`retryable` then finds the quarantined files that now pass their label rules: entries whose
latest refusal was only for unknown labels, re-read from their kept copies
(quarantine/<kind>/<key>/received/) with the exact options recorded in reason.json
(`loaded_as`, side files), and checked for labels still unknown. `retry` loads them in one
ingest run (the ordinary gate: validated, loaded, built, published, or quarantined again with
the new reason).
"""

from __future__ import annotations

import csv
import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

import pandas as pd

from ahual.flows import resources
from ahual.flows.gate.quarantine import safe_name
from ahual.flows.kinds import kind as kind_named
from ahual.flows.ops.quarantined import Entry, quarantined
from ahual.flows.problems import InputRejected, UsageError, shown
from ahual.flows.reading import vocabulary as v
from ahual.flows.reading.vocabulary import (
    KINDS,
    OVERLAY_COLUMNS,
    OverlayError,
    _with_overlay,
    normalise_key,
    normalise_label,
    overlay_file,
    overlay_sha256,
    read_overlay,
    vocabulary,
)
from ahual.flows.settings import user_name

# --- unknown labels --------------------------------------------------------------------------

@dataclass
class UnknownLabel:
    kind: str  # region | confession | indicator | agency
    label: str
    files: list[str] = field(default_factory=list)  # file names as received
    folders: list[str] = field(default_factory=list)  # their quarantine folders
    input_kinds: list[str] = field(default_factory=list)  # registrations, monitoring, ...
    rows: int = 0  # rows of the sampled problems that name it
    suggested_label: str | None = None  # a close known label, never applied
    suggested_code: str | None = None
    could_mean: dict[str, str] | None = None  # a label kept out as ambiguous: code -> name

    def as_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label, "files": self.files,
                "folders": self.folders, "input_kinds": self.input_kinds, "rows": self.rows,
                "suggested_code": self.suggested_code, "suggested_label": self.suggested_label,
                "could_mean": self.could_mean}


@dataclass
class UnknownLabels:
    labels: list[UnknownLabel]
    cut_samples: list[str]  # files whose problem list was cut ("N more rows"): labels may hide
    now_known: list[str]  # files whose unknown labels all resolve now (`ahual aliases retry`)


def unknown_labels() -> UnknownLabels:
    """The labels quarantined files were refused for that are still unknown, across the
    quarantine, each with the files that use it and the code a close known label has."""
    found: dict[tuple[str, str], UnknownLabel] = {}
    cut, now_known = [], []
    for entry in quarantined():
        problems = entry.label_problems()
        if not problems:
            continue
        still = False
        for kind, label in problems:
            if label is None:
                cut.append(entry.file)
                continue
            if vocabulary(kind).resolve(label) is not None:
                continue
            still = True
            key = (kind, normalise_label(label))
            item = found.setdefault(key, UnknownLabel(kind, label))
            item.rows += 1
            if entry.file not in item.files:
                item.files.append(entry.file)
                item.folders.append(str(entry.folder))
            if entry.kind not in item.input_kinds:
                item.input_kinds.append(entry.kind)
        if not still and entry.only_label_problems:
            now_known.append(entry.file)
    for item in found.values():
        item.could_mean = vocabulary(item.kind).ambiguous.get(normalise_label(item.label))
        item.suggested_label = vocabulary(item.kind).suggest(item.label)  # None if ambiguous
        if item.suggested_label:
            item.suggested_code = vocabulary(item.kind).resolve(item.suggested_label)
    labels = sorted(found.values(), key=lambda u: (u.kind, -len(u.files), u.label))
    return UnknownLabels(labels, sorted(set(cut)), sorted(set(now_known)))


# --- adding an alias -------------------------------------------------------------------------

@dataclass
class Added:
    kind: str
    label: str
    code: str
    code_name: str
    who: str
    when: str
    why: str
    written: bool  # False: the label already meant this code, nothing was written
    overlay: Path

    def as_dict(self) -> dict:
        return {"kind": self.kind, "label": self.label, "code": self.code,
                "code_name": self.code_name, "who": self.who, "when": self.when,
                "why": self.why, "written": self.written, "overlay": str(self.overlay)}


def code_names(kind: str) -> dict[str, str]:
    """Each code of a vocabulary with its English name (for messages)."""
    table, column = {"region": (v.regions(), "region_code"),
                     "confession": (v.confessions(), "confession_code"),
                     "indicator": (v.indicators(), "indicator_code"),
                     "agency": (v.agencies(), "agency_code")}[kind]
    return dict(zip(table[column], table["name_en"], strict=True))


def ambiguous_labels() -> pd.DataFrame:
    """Labels the reference keeps out on purpose (datasets/reference/ambiguous_labels.csv)."""
    table = pd.read_csv(resources.reference() / "ambiguous_labels.csv", dtype=str,
                        keep_default_na=False)
    return table.assign(key=table["label"].map(normalise_label))


def column_headers() -> set[str]:
    """Every header an input contract gives a column role: a label equal to one would be read
    as that column in a wide file."""
    headers = set()
    for path in sorted(resources.contracts().glob("*.yaml")):
        for column in resources.contract(path.stem).get("columns", {}).values():
            headers |= {normalise_label(h) for h in column.get("headers", [])}
    return headers


def check_alias(kind: str, label: str, code: str) -> tuple[str, str, str | None]:
    """The kind, label and code an alias would have, or UsageError saying why it cannot be
    (the third value: the code the label already means, when it is this one)."""
    if kind not in KINDS:
        raise UsageError(f"kind «{shown(kind)}» has no vocabulary: one of {', '.join(KINDS)}")
    label = " ".join(normalise_key(label).split())
    key = normalise_label(label)
    if not key:
        raise UsageError("the label is empty")
    vocab = vocabulary(kind)
    code = normalise_key(code)
    names = code_names(kind)
    if code not in vocab.codes:
        close = difflib.get_close_matches(code.upper(), sorted(vocab.codes), n=3, cutoff=0.5)
        hint = f"; close codes: {', '.join(close)} (never chosen for you)" if close else ""
        raise UsageError(f"no {kind} has code «{shown(code)}»{hint}. The codes are in "
                         f"datasets/reference/ ({_reference_file(kind)})")
    means = vocab.resolve(label)
    if means is not None and means != code:
        where = (f"the local overlay {overlay_file()}, row {vocab.overlay[key]}"
                 if key in vocab.overlay else "the reference data")
        raise UsageError(f"{kind} label «{shown(label)}» already means {means} "
                         f"({names.get(means, means)}) in {where}; it cannot also mean {code}")
    if means == code:
        return kind, label, code
    for row in ambiguous_labels().itertuples(index=False):
        if row.kind == kind and row.key == key:
            raise UsageError(f"«{shown(label)}» is deliberately not a {kind} alias: it could "
                             f"mean {row.could_mean} ({row.why}); write the full name in the "
                             "file instead (datasets/reference/ambiguous_labels.csv)")
    for other in KINDS:
        if other != kind and vocabulary(other).resolve(label) is not None:
            raise UsageError(f"«{shown(label)}» is a known {other} label "
                             f"({vocabulary(other).resolve(label)}); one label naming two "
                             f"kinds of thing is a trap, so it cannot be a {kind} alias too")
    if kind == "confession" and key in column_headers():
        raise UsageError(f"«{shown(label)}» is a column header of an input contract "
                         "(datasets/contracts/); as a confession alias it would make a wide "
                         "file's column vanish")
    return kind, label, None


def _reference_file(kind: str) -> str:
    return {"region": "regions.csv", "confession": "confessions.csv",
            "indicator": "indicators.csv", "agency": "programme/agencies.csv"}[kind]


def add_alias(kind: str, label: str, code: str, why: str, who: str | None = None,
              lang: str = "") -> Added:
    """Record that `label` means `code` in the local overlay (AHUAL_HOME/aliases.csv), with who
    decided it, when and why. Refuses (UsageError) anything that cannot be right."""
    why = " ".join((why or "").split())
    if not why:
        raise UsageError("--why is required: say why this label means this code (it is kept "
                         "beside the alias and shown wherever the alias is traced)")
    kind, label, already = check_alias(kind, label, code)
    code = normalise_key(code)
    who = " ".join((who or user_name()).split())
    when = datetime.now().isoformat(timespec="seconds")
    path = overlay_file()
    name = code_names(kind).get(code, code)
    if already is not None:
        return Added(kind, label, code, name, who, when, why, False, path)
    row = {"kind": kind, "code": code, "alias": label, "lang": lang.strip(), "who": who,
           "when": when, "why": why}
    _append(path, row)
    return Added(kind, label, code, name, who, when, why, True, path)


def _append(path: Path, row: dict) -> None:
    """Add a row to the overlay: written beside it and renamed into place, after checking the
    new overlay still builds a vocabulary of every kind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = read_overlay(path).to_dict("records")
    rows.append(row)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(OVERLAY_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    try:
        for kind in KINDS:
            _with_overlay(kind, str(partial), overlay_sha256(partial))
    except OverlayError as error:
        partial.unlink(missing_ok=True)
        raise UsageError(str(error).replace(str(partial), str(path))) from error
    os.replace(partial, path)


def overlay_rows() -> list[dict]:
    """The local overlay's aliases, each with the English name of its code."""
    rows = read_overlay().to_dict("records")
    for row in rows:
        row["code_name"] = (code_names(row["kind"]).get(row["code"], "")
                            if row["kind"] in KINDS else "")
    return rows


# --- retrying quarantined files --------------------------------------------------------------

@dataclass
class Retry:
    """A quarantined file, re-read from its kept copy with the options it was sent with."""

    entry: Entry
    path: Path | None  # the kept copy
    options: object | None  # the kind's Options
    still_unknown: list[tuple[str, str]]  # (kind, label) that still do not resolve
    why_not: str = ""  # why it cannot be retried (no kept copy, unreadable options, ...)

    @property
    def passes(self) -> bool:
        return self.path is not None and not self.still_unknown and not self.why_not


def options_of(entry: Entry):
    """The kind's options the file was sent with: `loaded_as` (minus side files) and, for each
    side file role, its kept copy beside the file."""
    kind = kind_named(entry.kind)
    names = {f.name for f in fields(kind.options)}
    given = {k: v for k, v in (entry.record.get("loaded_as") or {}).items()
             if k in names and k != "side_files"}
    for role, name in (entry.record.get("side_files") or {}).items():
        kept = entry.folder / "received" / safe_name(name)
        if role in names and kept.is_file():
            given[role] = kept
    return kind, kind.options(**given)


def still_unknown(parsed) -> list[tuple[str, str]]:
    """(kind, label) pairs a parsed file still cannot resolve: every checked frame's
    `<kind>_label` whose `<kind>_code` is empty."""
    found = []
    for _, frame in parsed.checks:
        for kind in KINDS:
            label, code = f"{kind}_label", f"{kind}_code"
            if label not in frame.columns or code not in frame.columns:
                continue
            unresolved = frame.loc[frame[code].isna() & frame[label].notna(), label]
            found += [(kind, str(x)) for x in unresolved.astype(str).unique() if str(x).strip()]
    return sorted(set(found))


def retryable(entries: Iterable[Entry] | None = None) -> list[Retry]:
    """The quarantined files refused only for unknown labels, re-read now: `passes` tells which
    would pass their label rules with today's vocabulary (reference + overlay)."""
    out = []
    for entry in quarantined() if entries is None else entries:
        if not entry.only_label_problems:
            continue
        path = entry.kept_file
        if path is None:
            out.append(Retry(entry, None, None, [], "its file was not kept"))
            continue
        try:
            kind, options = options_of(entry)
            parsed = kind.parse(path, options)
        except InputRejected as refused:
            out.append(Retry(entry, path, None, [], refused.problems[0].plain()))
            continue
        except Exception as error:  # an options record or file that no longer reads
            out.append(Retry(entry, path, None, [], f"{type(error).__name__}: {error}"))
            continue
        out.append(Retry(entry, path, options, still_unknown(parsed)))
    return out


def also_refused_for_other_rules(added: dict | None) -> list[Entry]:
    """Quarantined files that use the alias just added but were refused for other rules too:
    the alias alone cannot let them in (they wait for a corrected file)."""
    if not added:
        return []
    key = normalise_label(added["label"])
    return [e for e in quarantined() if not e.only_label_problems
            and any(kind == added["kind"] and label is not None and normalise_label(label) == key
                    for kind, label in e.label_problems())]
