"""Great Expectations gate: run a suite from `expectations/` on a pandas batch.

Suites are reviewable JSON files in the repository; each expectation's `meta` names the rule
and how to describe a failing row. Results go through a GX checkpoint (SUMMARY format, so the
stored results stay small) into the Data Docs site under AHUAL_HOME (rendered once per flow),
so an analyst can open in a browser why a file was rejected.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from ahual.flows import resources, settings
from ahual.flows.problems import Problem
from ahual.flows.reading.vocabulary import vocabulary

SAMPLE_ROWS = 20  # failing rows named per rule; the count says how many there are in all


@dataclass
class ValidationOutcome:
    success: bool
    problems: list[Problem]
    warnings: list[Problem]
    evaluated: int
    data_docs: str | None


def suite_file(path: str) -> Path:
    """A suite's file under expectations/, e.g. "registrations" or "marts/registrations"."""
    return resources.expectations() / f"{path}.json"


def load_suite(path: str) -> dict:
    return json.loads(suite_file(path).read_text(encoding="utf-8"))


_contexts: dict[str, object] = {}  # GX project root -> its file context
_checkpoints: dict[tuple[str, str], tuple[str, object]] = {}  # (root, suite) -> (text, checkpoint)
# A validation's outcome is a function of the suite and the rows: the same file validated again
# in this process (the national reference reports, in every new AHUAL_HOME; a build's marts
# when the same inputs are built again) reuses it. Its result is still stored and shown.
_results: dict[tuple, list] = {}
CACHED_ROWS = 200_000  # larger frames are validated each time (hashing them costs too)
_docs_depth = 0  # open `data_docs_once()` scopes in this process
_docs_pending: dict[str, list] = {}  # root -> result and suite identifiers to render


def _context(root: Path):
    key = str(root)
    if key in _contexts and not (root / "gx" / "great_expectations.yml").exists():
        _forget(key)  # the AHUAL_HOME was deleted (tests do): start its GX project afresh
    if key not in _contexts:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx

        from ahual.flows.gate import data_docs

        context = gx.get_context(mode="file", project_root_dir=key)
        context.variables.progress_bars = {"globally": False}
        data_docs.configure(context)
        _contexts[key] = context
    return _contexts[key]


def _forget(root: str) -> None:
    _contexts.pop(root, None)
    _docs_pending.pop(root, None)
    for key in [k for k in _checkpoints if k[0] == root]:
        del _checkpoints[key]


def _checkpoint(suite_path: str, refresh: bool = False):
    """The suite's checkpoint in this AHUAL_HOME's GX project, registered once per process
    (registering rewrites several project files: it used to cost more than the validation)
    and again whenever the suite file changes."""
    root = settings.home().gx
    context = _context(root)
    text = suite_file(suite_path).read_text(encoding="utf-8")
    cached = _checkpoints.get((str(root), suite_path))
    if cached and cached[0] == text and not refresh:
        return cached[1]
    checkpoint = _register(context, json.loads(text))
    _checkpoints[(str(root), suite_path)] = text, checkpoint
    return checkpoint


def _register(context, suite_dict: dict):
    import great_expectations as gx

    suite_name = suite_dict["name"]
    source = context.data_sources.add_or_update_pandas("ahual")
    try:
        asset = source.get_asset(suite_name)
    except LookupError:
        asset = source.add_dataframe_asset(suite_name)
    try:
        batch = asset.get_batch_definition("whole file")
    except (KeyError, LookupError):
        batch = asset.add_batch_definition_whole_dataframe("whole file")
    suite = context.suites.add_or_update(gx.ExpectationSuite(**suite_dict))
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite_name, data=batch, suite=suite))
    # No UpdateDataDocsAction: Data Docs are built once per flow (see data_docs_once).
    return context.checkpoints.add_or_update(gx.Checkpoint(
        name=suite_name,
        validation_definitions=[definition],
        actions=[],
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_ROWS},
    ))


@contextmanager
def data_docs_once() -> Iterator[None]:
    """Render the Data Docs of every validation inside this scope once, when the outermost
    scope ends (also on failure: a rejected file's results must be viewable). A site build
    costs more than validating a small file, so building per file dominated an ingest."""
    global _docs_depth
    _docs_depth += 1
    try:
        yield
    finally:
        _docs_depth -= 1
        if not _docs_depth:
            _build_pending_docs()


def _build_pending_docs() -> None:
    while _docs_pending:
        root, identifiers = _docs_pending.popitem()
        if root in _contexts:
            _contexts[root].build_data_docs(resource_identifiers=identifiers)


_RUN_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def run_name(kind: str, file_name: str, sha256: str | None) -> str:
    """A validation's run name, a folder of the Data Docs site: `<kind>__<file>__<sha12>`, in
    characters every file system and browser take (a "/" would add a folder level)."""
    name = unicodedata.normalize("NFKD", Path(file_name).name).encode("ascii", "ignore").decode()
    name = _RUN_NAME_UNSAFE.sub("_", name).strip("._-")[:80] or "file"
    return "__".join(p for p in (kind, name, (sha256 or "")[:12]) if p)


def validate(frame: pd.DataFrame, suite: str, file_name: str, *, kind: str | None = None,
             sha256: str | None = None) -> ValidationOutcome:
    """Validate `frame` (any index) against `expectations/<suite>.json` and describe every
    failing expectation for the analyst.

    Rows are named by the frame's `source_row` column (spreadsheet row numbers) when it has one.
    The stored result is named by the file (kind, name, SHA-256); Data Docs are updated at once,
    or at the end of an enclosing `data_docs_once()`.
    """
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ValidationResultIdentifier,
    )
    from great_expectations.exceptions import (
        ResourceFreshnessAggregateError,
        ResourceFreshnessError,
    )

    checkpoint = _checkpoint(suite)  # also registers the suite that Data Docs will show
    batch = frame.reset_index(drop=True)
    run_id = RunIdentifier(run_name=run_name(kind or suite, file_name, sha256),
                           run_time=datetime.now(UTC))
    known = _signature(suite, batch, kind, sha256) if sha256 else None
    if known in _results:
        runs = [(ValidationResultIdentifier(key.expectation_suite_identifier, run_id,
                                            key.batch_identifier), copy.deepcopy(run))
                for key, run in _results[known]]
        for _, run in runs:
            run.meta["run_id"] = run_id
    else:
        try:
            result = checkpoint.run(batch_parameters={"dataframe": batch}, run_id=run_id)
        except (ResourceFreshnessAggregateError, ResourceFreshnessError):
            # Another process re-registered the suite since we cached it.
            checkpoint = _checkpoint(suite, refresh=True)
            result = checkpoint.run(batch_parameters={"dataframe": batch}, run_id=run_id)
        runs = list(result.run_results.items())
        _remember(known, runs)
    return _store(runs, batch, file_name, kind or suite, sha256)


def file_checkpoint(suite: str):
    """The suite's checkpoint in this AHUAL_HOME's GX project (see `_checkpoint`)."""
    return _checkpoint(suite)


def keep(run, frame: pd.DataFrame, suite: str, file_name: str, *, kind: str | None,
         sha256: str | None, known: tuple | None) -> ValidationOutcome:
    """Store a file's result made elsewhere (`together`) as `validate` stores its own, and
    remember it as the outcome of those rows."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    batch = frame.reset_index(drop=True)
    key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=run.suite_name),
                                     run.meta["run_id"], run.results[0].expectation_config
                                     .kwargs.get("batch_id") if run.results else None)
    runs = [(key, run)]
    _remember(known, copy.deepcopy(runs))
    return _store(runs, batch, file_name, kind or suite, sha256)


def _store(runs: list, batch: pd.DataFrame, file_name: str, kind: str, sha256: str | None
           ) -> ValidationOutcome:
    """Store each result under its file's name, queue its Data Docs page, and describe it."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    from ahual.flows.gate import data_docs

    context = _context(settings.home().gx)
    pending = _docs_pending.setdefault(str(settings.home().gx), [])
    pages = []
    for key, run in runs:
        data_docs.name_result(run, file_name=file_name, sha256=sha256, kind=kind)
        context.validation_results_store.set(key, run)
        pending += [key, ExpectationSuiteIdentifier(name=run.suite_name)]
        pages += [site["site_url"] for site in context.get_docs_sites_urls(
            resource_identifier=key, site_name="local_site", only_if_exists=False)]
    if not _docs_depth:
        _build_pending_docs()
    page = (unquote(pages[0].removeprefix("file://")) if pages
            else str(settings.home().data_docs_index))
    return _outcome([r for _, run in runs for r in run.results], batch, file_name, page)


def _signature(suite: str, batch: pd.DataFrame, *also) -> tuple | None:
    """What a validation's outcome depends on: the suite's text and the rows, their columns
    and types (None: too large to be worth remembering)."""
    if len(batch) > CACHED_ROWS:
        return None
    digest = hashlib.sha256(repr([(str(c), str(t)) for c, t in batch.dtypes.items()]).encode())
    # list cells (a mart's VARCHAR[] column) are hashed by their text: pandas hashes scalars
    hashable = batch.apply(lambda column: column.map(repr) if column.dtype == object
                           and column.map(lambda v: hasattr(v, "__len__")
                                          and not isinstance(v, str)).any() else column)
    digest.update(pd.util.hash_pandas_object(hashable, index=False).to_numpy().tobytes())
    return (suite_file(suite).read_text(encoding="utf-8"), *also, digest.hexdigest())


def outcome_key(frame: pd.DataFrame, suite: str, kind: str | None, sha256: str | None
                ) -> tuple | None:
    """What a file's validation outcome is remembered by in this process (None: not kept)."""
    if not sha256:
        return None
    return _signature(suite, frame.reset_index(drop=True), kind, sha256)


def remembered(known: tuple | None) -> bool:
    return known is not None and known in _results


def _remember(known: tuple | None, value) -> None:
    if known is None:
        return
    if len(_results) >= 512:
        _results.clear()
    _results[known] = value


_in_memory: dict[str, tuple[str, object]] = {}  # suite -> (its text, its validation definition)


def validate_in_memory(frame: pd.DataFrame, suite: str, name: str) -> ValidationOutcome:
    """The same check, in an ephemeral GX context: nothing stored, no Data Docs page. For the
    marts of a build (their results go to raw.builds and the snapshot manifest): a build checks
    a dozen marts, and storing each result cost more than the check."""
    batch = frame.reset_index(drop=True)
    known = _signature(suite, batch, "in memory")
    results = _results.get(known) if known else None
    if results is None:
        results = _in_memory_definition(suite).run(
            batch_parameters={"dataframe": batch},
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_ROWS}
        ).results
        _remember(known, results)
    return _outcome(results, batch, name, None)


def run_in_memory(frame: pd.DataFrame, spec: dict, result_format: dict) -> list:
    """The results of a suite given as a dict (`together`'s suite of a batch) on `frame`, in
    the ephemeral GX context: nothing stored."""
    text = json.dumps(spec, sort_keys=True)
    return _in_memory_definition(f"{spec['name']} (given)", text).run(
        batch_parameters={"dataframe": frame}, result_format=result_format).results


def _in_memory_definition(suite: str, text: str | None = None):
    """The suite's validation definition in the process's ephemeral GX context (again when the
    suite file, or the `text` given for it, changes)."""
    import great_expectations as gx

    text = suite_file(suite).read_text(encoding="utf-8") if text is None else text
    cached = _in_memory.get(suite)
    if cached is not None and cached[0] == text:
        return cached[1]
    if "ephemeral" not in _contexts:
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = {"globally": False}
        context.data_sources.add_pandas("ahual")
        _contexts["ephemeral"] = context
    context = _contexts["ephemeral"]
    spec = json.loads(text)
    spec["name"] = f"{spec['name']}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
    source = context.data_sources.get("ahual")
    try:
        asset = source.get_asset(spec["name"])
    except LookupError:
        asset = source.add_dataframe_asset(spec["name"])
    batch = asset.add_batch_definition_whole_dataframe(f"whole table {len(_in_memory)}")
    definition = context.validation_definitions.add_or_update(gx.ValidationDefinition(
        name=spec["name"], data=batch, suite=context.suites.add_or_update(
            gx.ExpectationSuite(**spec))))
    _in_memory[suite] = text, definition
    return definition


def _outcome(results, batch: pd.DataFrame, file_name: str, page: str | None
             ) -> ValidationOutcome:
    """Every failing expectation, described for the analyst; warnings apart."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for item in results:
        meta = item.expectation_config.meta or {}
        raised = (item.exception_info or {}).get("raised_exception")
        if item.success and not raised:
            continue
        found = _describe(item, meta, batch, file_name, raised)
        (warnings if meta.get("severity") == "warning" else problems).extend(found)
    return ValidationOutcome(not problems, problems, warnings, len(batch), page)


def _describe(item, meta: dict, batch: pd.DataFrame, file_name: str, raised) -> list[Problem]:
    rule = meta.get("rule", item.expectation_config.type)
    if raised:
        message = (item.exception_info or {}).get("exception_message", "check could not run")
        return [Problem(file_name, rule, f"the check could not run: {message}")]
    result = item.result or {}
    positions = [int(i) for i in result.get("partial_unexpected_index_list") or []]
    positions = sorted(set(positions))[:SAMPLE_ROWS]
    total = result.get("unexpected_count") or len(positions)
    if not positions:
        return [Problem(file_name, rule, meta.get("summary", rule))]
    checked_column = item.expectation_config.kwargs.get("column")
    problems = []
    for pos in positions:
        row = batch.iloc[pos]
        fields = {k: ("" if pd.isna(v) else v) for k, v in row.items()}
        message = meta.get("message", rule).format(**fields)
        suggest_column = meta.get("suggest")
        if suggest_column:
            kind = suggest_column.split("_")[0]
            message += vocabulary(kind).hint(fields[suggest_column])
        source_row = row.get("source_row")
        problems.append(Problem(file_name, rule, message,
                                row=None if source_row is None else int(source_row),
                                column=fields.get("source_column") or None,
                                value=str(fields.get(checked_column, ""))))
    if total > len(positions):
        problems.append(Problem(file_name, rule,
                                f"{total - len(positions)} more rows break this rule"))
    return problems
