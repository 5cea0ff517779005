"""Great Expectations gate: run a suite from `expectations/` on a pandas batch.

Suites are reviewable JSON files in the repository; each expectation's `meta` names the rule
and how to describe a failing row. Results go through a GX checkpoint (SUMMARY format, so the
stored results stay small) into the Data Docs site under AHUAL_HOME, so an analyst can open
in a browser why a file was rejected.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache

import pandas as pd

from flows import config
from flows.problems import Problem
from flows.reference import vocabulary

SAMPLE_ROWS = 20  # failing rows named per rule; the count says how many there are in all


@dataclass
class ValidationOutcome:
    success: bool
    problems: list[Problem]
    warnings: list[Problem]
    evaluated: int
    data_docs: str | None


def load_suite(path: str) -> dict:
    """A suite file under expectations/, e.g. "registrations" or "marts/registrations"."""
    return json.loads((config.EXPECTATIONS / f"{path}.json").read_text(encoding="utf-8"))


@cache
def _context(root: str):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    context = gx.get_context(mode="file", project_root_dir=root)
    context.variables.progress_bars = {"globally": False}
    return context


def _checkpoint(suite_path: str):
    """Register (or refresh) the suite, its pandas asset and a checkpoint in the GX project."""
    import great_expectations as gx

    suite_dict = load_suite(suite_path)
    suite_name = suite_dict["name"]
    context = _context(str(config.gx_root()))
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
    return context.checkpoints.add_or_update(gx.Checkpoint(
        name=suite_name,
        validation_definitions=[definition],
        actions=[gx.checkpoint.UpdateDataDocsAction(name="update data docs")],
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_ROWS},
    ))


def validate(frame: pd.DataFrame, suite: str, file_name: str) -> ValidationOutcome:
    """Validate `frame` (any index) against `expectations/<suite>.json` and describe every
    failing expectation for the analyst.

    Rows are named by the frame's `source_row` column (spreadsheet row numbers) when it has one.
    """
    checkpoint = _checkpoint(suite)
    batch = frame.reset_index(drop=True)
    result = checkpoint.run(batch_parameters={"dataframe": batch})
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for run in result.run_results.values():
        for item in run.results:
            meta = item.expectation_config.meta or {}
            raised = (item.exception_info or {}).get("raised_exception")
            if item.success and not raised:
                continue
            found = _describe(item, meta, batch, file_name, raised)
            (warnings if meta.get("severity") == "warning" else problems).extend(found)
    docs = config.data_docs_index()
    return ValidationOutcome(not problems, problems, warnings, len(batch),
                             str(docs) if docs.exists() else None)


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
            hint = vocabulary(kind).suggest(fields[suggest_column])
            if hint:
                message += f"; did you mean «{hint}»?"
        source_row = row.get("source_row")
        problems.append(Problem(file_name, rule, message,
                                row=None if source_row is None else int(source_row),
                                column=fields.get("source_column") or None,
                                value=str(fields.get(checked_column, ""))))
    if total > len(positions):
        problems.append(Problem(file_name, rule,
                                f"{total - len(positions)} more rows break this rule"))
    return problems
