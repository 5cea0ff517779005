"""Validating the files of one kind together: one GX run over their rows, one result per file.

A GX run costs far more in its fixed part (building each expectation's metric graph, resolving
it) than in the rows of a report, so a half-year batch of 36 reports spent most of its check
running that fixed part 36 times. Here the frames of one suite (and one set of columns and
types) are concatenated, the suite runs once with COMPLETE results (every unexpected row's
index), and the result is split back: each file gets the SUMMARY result GX would have given it
alone (its own counts, sample rows and statistics, built by GX's own `_format_map_output`), is
stored under its own run name and gets its own Data Docs page (`validation.keep`).

Uniqueness holds within a file, not across the batch: each uniqueness rule is run over its
columns plus a key naming the file, a key that is missing exactly when the rule would ignore
the row. A suite with anything this split cannot reproduce (an expectation of another type, a
`mostly`), files whose columns differ, a large file, or a run in which a check raised, are
validated file by file as before (`validation.validate`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from ahual.flows.gate import validation
from ahual.flows.gate.validation import SAMPLE_ROWS, ValidationOutcome

# expectation type -> how it counts a file's rows that it does not judge (GX's own rules)
_NO_MISSING, _NULLS_OF_COLUMN, _ROWS_IGNORED = "none", "column", "rows"
SPLITTABLE = {
    "expect_column_values_to_not_be_null": _NO_MISSING,
    "expect_column_values_to_be_null": _NO_MISSING,
    "expect_column_values_to_be_between": _NULLS_OF_COLUMN,
    "expect_column_values_to_match_regex": _NULLS_OF_COLUMN,
    "expect_column_values_to_be_in_set": _NULLS_OF_COLUMN,
    "expect_column_values_to_be_unique": _NULLS_OF_COLUMN,
    "expect_compound_columns_to_be_unique": _ROWS_IGNORED,
}
_UNIQUE = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")


@dataclass
class Item:
    """One file's rows for one suite."""

    frame: pd.DataFrame
    suite: str
    file_name: str
    kind: str | None = None
    sha256: str | None = None


def validate_together(items: list[Item]) -> list[ValidationOutcome]:
    """Each item's outcome, as `validation.validate` gives it alone; items of one suite and one
    set of columns and types are judged in one GX run."""
    outcomes: dict[int, ValidationOutcome] = {}
    groups: dict[tuple, list[int]] = {}
    for i, item in enumerate(items):
        schema = tuple((str(c), str(t)) for c, t in item.frame.dtypes.items())
        groups.setdefault((item.suite, schema), []).append(i)
    for (suite, _), members in groups.items():
        known = {i: validation.outcome_key(items[i].frame, suite, items[i].kind,
                                           items[i].sha256) for i in members}
        # a large file is judged alone: its rows are its cost (not GX's fixed part), and a copy
        # of them would double its memory
        fresh = [i for i in members if len(items[i].frame) <= validation.CACHED_ROWS
                 and not validation.remembered(known[i])]
        if len(fresh) > 1 and _splittable(validation.load_suite(suite)):
            joint = _together([items[i] for i in fresh], [known[i] for i in fresh])
            outcomes.update(zip(fresh, joint or [], strict=False))
        for i in members:  # alone, already judged in this process, or not splittable
            if i not in outcomes:
                item = items[i]
                outcomes[i] = validation.validate(item.frame, item.suite, item.file_name,
                                                  kind=item.kind, sha256=item.sha256)
    return [outcomes[i] for i in range(len(items))]


def _splittable(suite: dict) -> bool:
    return all(SPLITTABLE.get(e["type"]) and "mostly" not in e.get("kwargs", {})
               for e in suite["expectations"])


def _together(items: list[Item], known: list[tuple | None]) -> list[ValidationOutcome] | None:
    """One GX run over the items' rows, split per file (None: validate them one by one)."""
    frames = [item.frame.reset_index(drop=True) for item in items]
    combined = pd.concat(frames, ignore_index=True)
    if not combined.dtypes.equals(frames[0].dtypes):
        return None
    suite = validation.load_suite(items[0].suite)
    spec, combined = _per_file_uniqueness(suite, combined, [len(f) for f in frames])
    combined_results = validation.run_in_memory(
        combined, spec, {"result_format": "COMPLETE", "partial_unexpected_count": SAMPLE_ROWS})
    if any((r.exception_info or {}).get("raised_exception") for r in combined_results):
        return None
    checkpoint = validation.file_checkpoint(items[0].suite)
    definition = checkpoint.validation_definitions[0]
    if [r.expectation_config.meta or {} for r in combined_results] != [
            e.meta or {} for e in definition.suite.expectations]:
        return None  # not one result per rule, in the suite's order: cannot be split
    outcomes, start = [], 0
    for item, frame, remembered in zip(items, frames, known, strict=True):
        rows = range(start, start + len(frame))
        start += len(frame)
        run = _file_result(definition, checkpoint.id, combined_results, item, frame, rows)
        outcomes.append(validation.keep(run, item.frame, item.suite, item.file_name,
                                        kind=item.kind, sha256=item.sha256,
                                        known=remembered))
    return outcomes


def _per_file_uniqueness(suite: dict, combined: pd.DataFrame, sizes: list[int]
                         ) -> tuple[dict, pd.DataFrame]:
    """The suite with each uniqueness rule keyed by file, and the frame with those keys."""
    spec = copy.deepcopy(suite)
    spec["name"] = f"{suite['name']}-together"
    file_number = pd.Series([n for n, size in enumerate(sizes) for _ in range(size)],
                            dtype="object")
    keys = {}
    for n, expectation in enumerate(spec["expectations"]):
        expectation.pop("id", None)
        if expectation["type"] not in _UNIQUE:
            continue
        kwargs = expectation["kwargs"]
        columns = kwargs.pop("column_list", None) or [kwargs.pop("column")]
        ignore = kwargs.get("ignore_row_if", "all_values_are_missing"
                            if expectation["type"] == _UNIQUE[1] else "any_value_is_missing")
        missing = combined[columns].isna()
        ignored = {"all_values_are_missing": missing.all(axis=1),
                   "any_value_is_missing": missing.any(axis=1)}.get(
                       ignore, pd.Series(False, index=combined.index))
        key = f"__ahual_file_{n}"
        keys[key] = file_number.where(~ignored, None)
        expectation["type"] = _UNIQUE[1]
        kwargs.update(column_list=[*columns, key], ignore_row_if=ignore)
    return spec, combined.assign(**keys) if keys else combined


def _file_result(definition, checkpoint_id: str, combined_results: list, item: Item,
                 frame: pd.DataFrame, rows: range):
    """The SUMMARY result the file's own checkpoint run would have stored."""
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.execution_engine.pandas_execution_engine import (
        hash_pandas_dataframe,
    )
    from great_expectations.expectations.expectation import _format_map_output
    from great_expectations.expectations.expectation_configuration import (
        parse_result_format,
    )

    result_format = parse_result_format({"result_format": "SUMMARY",
                                         "partial_unexpected_count": SAMPLE_ROWS})
    batch_id = f"{definition.data_source.name}-{definition.asset.name}"
    results = []
    for expectation, combined in zip(definition.suite.expectations, combined_results,
                                     strict=True):
        config = expectation.configuration
        config.kwargs["batch_id"] = batch_id  # as the validator records it
        indexes = combined.result.get("unexpected_index_list") or []
        values = combined.result.get("unexpected_list") or []
        mine = [(i - rows.start, _as_checked(v, config)) for i, v in zip(indexes, values,
                                                                       strict=True)
                if i in rows]
        unexpected = len(mine)
        results.append(ExpectationValidationResult(
            success=unexpected == 0, expectation_config=config,
            result=_format_map_output(
                result_format=result_format, success=unexpected == 0,
                element_count=len(frame), nonnull_count=_judged_rows(config, frame),
                unexpected_count=unexpected, unexpected_list=[v for _, v in mine],
                unexpected_index_list=[i for i, _ in mine])["result"],
            exception_info={"raised_exception": False, "exception_traceback": None,
                            "exception_message": None}))
    passed = sum(r.success for r in results)
    now = datetime.now(UTC)
    run_id = RunIdentifier(run_name=validation.run_name(item.kind or item.suite, item.file_name,
                                                        item.sha256), run_time=now)
    return ExpectationSuiteValidationResult(
        success=passed == len(results), results=results, suite_name=definition.suite.name,
        statistics={"evaluated_expectations": len(results), "successful_expectations": passed,
                    "unsuccessful_expectations": len(results) - passed,
                    "success_percent": passed / len(results) * 100 if results else None},
        meta={"great_expectations_version": _gx_version(),
              "batch_spec": {"batch_data": "PandasDataFrame"},
              "batch_markers": {"ge_load_time": now.strftime("%Y%m%dT%H%M%S.%fZ"),
                                "pandas_data_fingerprint": hash_pandas_dataframe(frame)},
              "active_batch_definition": {"datasource_name": definition.data_source.name,
                                          "data_connector_name": "fluent",
                                          "data_asset_name": definition.asset.name,
                                          "batch_identifiers": {"dataframe": "<DATAFRAME>"}},
              "validation_id": definition.id, "checkpoint_id": checkpoint_id,
              "run_id": run_id, "validation_time": now,
              "batch_parameters": {"dataframe": "<DATAFRAME>"}},
        suite_parameters={})


def _as_checked(value, config):
    """An unexpected value as the original rule reports it (without the file's key)."""
    if not isinstance(value, dict):
        return value
    if config.type == "expect_column_values_to_be_unique":
        return value[config.kwargs["column"]]
    return {k: v for k, v in value.items() if not k.startswith("__ahual_file_")}


def _judged_rows(config, frame: pd.DataFrame) -> int | None:
    """The file's rows the rule judges (GX's `nonnull_count`; None where GX passes none)."""
    how = SPLITTABLE[config.type]
    if how == _NO_MISSING:
        return None
    if how == _NULLS_OF_COLUMN:
        return int(frame[config.kwargs["column"]].notna().sum())
    missing = frame[config.kwargs["column_list"]].isna()
    ignore = config.kwargs.get("ignore_row_if") or "all_values_are_missing"
    ignored = {"all_values_are_missing": missing.all(axis=1),
               "any_value_is_missing": missing.any(axis=1)}.get(ignore)
    return len(frame) - (0 if ignored is None else int(ignored.sum()))


def _gx_version() -> str:
    import great_expectations as gx

    return gx.__version__

