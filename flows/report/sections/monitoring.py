"""The monitoring highlights of the latest round and its early warnings (marts.monitoring_warnings).
"""

from __future__ import annotations

from dataclasses import dataclass

from ahual.flows.report.data import ReportData, as_int, as_number, as_text, records


@dataclass(frozen=True)
class Observation:
    """A highlight of the latest round. Its flag is marts.monitoring_warnings' (the count is
    improbable given the region's expected level): `warning` an early warning, `level` watch the
    lesser one."""
    round: int | None
    region: str
    indicator: str
    value: float | None
    change: float | None
    warning: bool  # an early warning: marts.monitoring_warnings.level = 'warning'
    level: str = ""  # marts.monitoring_warnings.level; "" for an indicator it does not judge

    @property
    def watch(self) -> bool:
        return not self.warning and self.level == "watch"


def monitoring(data: ReportData) -> list[Observation]:
    return [Observation(as_int(r.get("round")), as_text(r.get("region_code")),
                        as_text(r.get("indicator_code")), as_number(r.get("value")),
                        as_number(r.get("change_vs_previous")), bool(r.get("early_warning")),
                        as_text(r.get("warning_level")))
            for r in records(data.monitoring)]


def warnings(rows: list[Observation]) -> list[Observation]:
    """The early warnings (marts.monitoring_warnings, level warning)."""
    return [r for r in rows if r.warning]


def monitoring_round(rows: list[Observation]) -> int | None:
    """The round the highlights come from (the latest, if the frame holds several)."""
    rounds = [r.round for r in rows if r.round is not None]
    return max(rounds) if rounds else None
