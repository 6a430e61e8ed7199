"""The rectification part of a year's score (domain.md §6.2 R), from that year's findings.

Each finding due in the year earns a factor from the rubric: closed on time 1, closed late the
rubric's `closed_late_factor`, open past its deadline 0, not yet due a provisional factor. The
factors are weighted by severity (一般 / 较重 / 重大, weights in the rubric), so the part is

    R = part × Σ weight × factor ÷ Σ weight

and each finding's line shows its share. With no finding in the year the part is full marks,
noted as "本年度无整改事项"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from backend.lib.timeutil import cn_date, deadline_of, local_date
from backend.rules.rectification.status import FindingFacts, finding_state
from backend.rules.rectification.vocabulary import FindingStatus, Severity

NO_FINDINGS = "本年度无整改事项，整改部分按满分计。"


@dataclass(frozen=True)
class FindingIn:
    finding_id: int
    title: str
    severity: str  # a Severity
    facts: FindingFacts


@dataclass(frozen=True)
class FindingLine:
    finding_id: int
    title: str
    severity: str
    weight: float
    deadline: dt.date
    status: FindingStatus
    factor: float
    note: str
    points: float
    provisional: bool


@dataclass(frozen=True)
class RectificationOut:
    points: float
    lines: tuple[FindingLine, ...]
    note: str
    provisional: bool


def severity_weight(rules: dict[str, Any], severity: str) -> float:
    return float(rules["severity_weights"].get(severity, rules["severity_weights"]["general"]))


def _factor(
    rules: dict[str, Any], finding: FindingIn, year: int, as_of: dt.datetime
) -> tuple[FindingStatus, float, str, bool] | None:
    state = finding_state(finding.facts, as_of)
    if state is None:
        return None
    before_year_end = as_of <= deadline_of(dt.date(year, 12, 31))
    if state.closed_at is not None:
        done = cn_date(local_date(state.completed_at or state.closed_at))
        if state.completed_late:
            factor = float(rules["closed_late_factor"])
            return state.status, factor, f"逾期完成（{done}申请销号），按 {factor:g} 计", False
        return state.status, float(rules["closed_on_time"]), f"按期完成（{done}申请销号）", False
    if state.status is FindingStatus.AWAITING_CHECK:
        factor = float(rules["closed_on_time"])
        return state.status, factor, f"已按期申请销号，待核验，暂按 {factor:g} 计", True
    if state.status is FindingStatus.OVERDUE:
        factor = float(rules["open_overdue"])
        note = f"逾期未销号，计 {factor:g}" + ("（暂计）" if before_year_end else "")
        return state.status, factor, note, before_year_end
    factor = float(rules["not_yet_due"])
    return state.status, factor, f"未到整改时限，暂按 {factor:g} 计", True


def score_rectification(
    rules: dict[str, Any],
    part: float,
    year: int,
    findings: tuple[FindingIn, ...],
    as_of: dt.datetime,
) -> RectificationOut:
    judged = []
    for finding in findings:
        outcome = _factor(rules, finding, year, as_of)
        if outcome is not None:
            judged.append((finding, severity_weight(rules, finding.severity), *outcome))
    total_weight = sum(weight for _, weight, *_ in judged)
    if total_weight <= 0:
        return RectificationOut(part, (), NO_FINDINGS, False)
    lines = tuple(
        FindingLine(
            finding.finding_id,
            finding.title,
            Severity.label_of(finding.severity, "一般"),
            weight,
            finding.facts.deadline,
            status,
            factor,
            note,
            part * weight * factor / total_weight,
            provisional,
        )
        for finding, weight, status, factor, note, provisional in judged
    )
    points = sum(line.points for line in lines)
    return RectificationOut(points, lines, "", any(line.provisional for line in lines))
