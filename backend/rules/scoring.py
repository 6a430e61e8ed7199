"""合规管理得分: a year's compliance score for one enterprise, as a pure function of what was
delivered, reviewed, rated and adjusted up to an instant. The rubric is data (seed/rubrics/).

Per obligation due in the year: points = weight × T × Q. T (timeliness) is measured on the first
submission; Q (quality) comes from the final grade. The obligations part is rescaled so that
obligations that do not apply, are exempt or are not yet due drop out."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from backend.lib.timeutil import deadline_of, local_date
from backend.rules.rectification.scoring import FindingIn, FindingLine, score_rectification
from backend.rules.vocabulary import Grade, Rating
from backend.rules.workdays import workdays_between


class VersionIn(NamedTuple):
    version_no: int
    submitted_at: dt.datetime


class ReviewIn(NamedTuple):
    version_no: int
    decision: str  # approve | return | reopen
    grade: str
    released_at: dt.datetime
    resubmit_by: dt.date | None = None


@dataclass(frozen=True)
class ObligationIn:
    obligation_id: int
    code: str
    title: str
    due_on: dt.date  # effective: after an extension in force
    exempt: bool = False
    versions: tuple[VersionIn, ...] = ()
    reviews: tuple[ReviewIn, ...] = ()  # released ones


@dataclass(frozen=True)
class AdjustmentIn:
    amount: float
    reason: str
    by: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class ScoreIn:
    year: int
    as_of: dt.datetime
    obligations: tuple[ObligationIn, ...] = ()
    ratings: dict[str, str] = field(default_factory=dict)
    adjustments: tuple[AdjustmentIn, ...] = ()
    findings: tuple[FindingIn, ...] = ()  # the year's findings (整改台账)
    basis: tuple[str, ...] = ()  # where the inputs came from (the inspection rating, overrides)


@dataclass(frozen=True)
class Line:
    obligation_id: int
    code: str
    title: str
    due_on: dt.date
    first_submitted_at: dt.datetime | None
    workdays_late: int
    t: float
    t_note: str
    grade: str
    q: float
    q_note: str
    weight: float
    points: float
    counted: bool  # False: exempt or not yet due, so outside the maximum
    provisional: bool  # 暂计: may still change


@dataclass(frozen=True)
class ScoreOut:
    year: int
    total: float
    grade: str
    obligations_points: float
    rectification_points: float
    effectiveness_points: float
    bonus: float
    deduction: float
    assessment_points: float
    lines: tuple[Line, ...]
    effectiveness: tuple[tuple[str, str, float], ...]  # (dimension label, rating, points)
    notes: tuple[str, ...]
    provisional: bool
    rectification: tuple[FindingLine, ...] = ()


@dataclass(frozen=True)
class Rubric:
    data: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> Rubric:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def weight(self, year: int, code: str) -> float:
        return float(self.data["weights"].get(str(year), {}).get(code, 0.0))

    def part(self, name: str) -> float:
        return float(self.data["parts"][name])


def timeliness(rubric: Rubric, workdays_late: int) -> float:
    rules = rubric.data["timeliness"]
    if workdays_late <= 0:
        return float(rules["on_time"])
    for band in rules["bands"]:
        if workdays_late <= band["max_workdays_late"]:
            return float(band["factor"])
    return float(rules["later"])


def one_band_lower(rubric: Rubric, t: float) -> float:
    rules = rubric.data["timeliness"]
    ladder = [rules["on_time"], *(b["factor"] for b in rules["bands"]), rules["later"], 0.0]
    lower = [value for value in ladder if value < t]
    return float(max(lower)) if lower else 0.0


def score_obligation(rubric: Rubric, year: int, o: ObligationIn, as_of: dt.datetime) -> Line:
    weight = rubric.weight(year, o.code)
    deadline = deadline_of(o.due_on)
    versions = sorted(
        (v for v in o.versions if v.submitted_at <= as_of), key=lambda v: v.version_no
    )
    reviews = sorted((r for r in o.reviews if r.released_at <= as_of), key=lambda r: r.released_at)

    def line(
        t: float,
        t_note: str,
        grade: str,
        q: float,
        q_note: str,
        *,
        counted: bool = True,
        provisional: bool = False,
        late: int = 0,
    ) -> Line:
        points = weight * t * q if counted else 0.0
        first = versions[0].submitted_at if versions else None
        return Line(
            o.obligation_id,
            o.code,
            o.title,
            o.due_on,
            first,
            late,
            t,
            t_note,
            grade,
            q,
            q_note,
            weight,
            points,
            counted,
            provisional,
        )

    if o.exempt:
        return line(0, "不适用", "", 0, "", counted=False)
    if not versions:
        if as_of <= deadline:
            return line(0, "未到期，不计分", "", 0, "", counted=False)
        year_end = deadline_of(dt.date(year, 12, 31))
        if as_of > year_end:
            return line(0.0, "年底前未报送", "", 0.0, "")
        return line(0.0, "逾期未报，暂计 0 分", "", 0.0, "", provisional=True)

    first = versions[0]
    late = (
        0
        if first.submitted_at <= deadline
        else workdays_between(o.due_on, local_date(first.submitted_at))
    )
    t = timeliness(rubric, late)
    t_note = "按时报送" if late == 0 else f"逾期 {late} 个工作日"
    if rubric.data["timeliness"].get("late_resubmission_drops_one_band") and _late_resubmission(
        versions, reviews, as_of
    ):
        t = one_band_lower(rubric, t)
        t_note += "；退回后逾期重报，降一档"

    latest = versions[-1]
    on_latest = [r for r in reviews if r.version_no == latest.version_no]
    returns = sum(1 for r in reviews if r.decision == "return")
    quality = rubric.data["quality"]
    if not on_latest:
        q = float(quality["awaiting_review"])
        return line(t, t_note, "", q, "待审核，暂计", provisional=True, late=late)
    last = on_latest[-1]
    if last.decision != "approve":
        return line(
            t,
            t_note,
            "",
            float(quality["returned"]),
            "退回待改，重报前计 0 分",
            provisional=True,
            late=late,
        )
    q = float(quality["grades"].get(last.grade, quality["grades"]["pass"]))
    extra = max(0, returns - int(quality["free_returns"]))
    q_note = Grade.label_of(last.grade, "合格")
    if extra:
        q = max(float(quality["floor"]), q - extra * float(quality["per_extra_return"]))
        q_note += f"；退回 {returns} 次，扣 {extra * float(quality['per_extra_return']):.2f}"
    return line(t, t_note, last.grade, q, q_note, late=late)


def _late_resubmission(
    versions: list[VersionIn], reviews: list[ReviewIn], as_of: dt.datetime
) -> bool:
    for review in reviews:
        if review.decision != "return" or review.resubmit_by is None:
            continue
        following = [v for v in versions if v.version_no == review.version_no + 1]
        if following and local_date(following[0].submitted_at) > review.resubmit_by:
            return True
    return False


def score(rubric: Rubric, inp: ScoreIn) -> ScoreOut:
    lines = tuple(score_obligation(rubric, inp.year, o, inp.as_of) for o in inp.obligations)
    notes: list[str] = list(inp.basis)
    maximum = sum(line.weight for line in lines if line.counted)
    earned = sum(line.points for line in lines if line.counted)
    part = rubric.part("obligations")
    if maximum > 0:
        obligations_points = part * earned / maximum
    else:
        obligations_points = part
        notes.append("截至该日尚无到期的节点任务，任务部分按满分计。")

    rect = score_rectification(
        rubric.data["rectification"],
        rubric.part("rectification"),
        inp.year,
        inp.findings,
        inp.as_of,
    )
    rectification = rect.points
    if rect.note:
        notes.append(rect.note)

    eff_rules = rubric.data["effectiveness"]
    effectiveness = []
    for key, label in eff_rules["dimensions"].items():
        rating = inp.ratings.get(key, "")
        effectiveness.append(
            (label, Rating.label_of(rating, "未评定"), float(eff_rules["points"].get(rating, 0.0)))
        )
    if any(not inp.ratings.get(k) for k in eff_rules["dimensions"]):
        notes.append("有效性评价尚未全部评定，未评定的维度计 0 分。")
    effectiveness_points = sum(p for _, _, p in effectiveness)

    caps = rubric.data["adjustments"]
    bonus = min(float(caps["max_bonus"]), sum(a.amount for a in inp.adjustments if a.amount > 0))
    deduction = max(
        -float(caps["max_deduction"]), sum(a.amount for a in inp.adjustments if a.amount < 0)
    )
    limits = rubric.data["total"]
    raw = obligations_points + rectification + effectiveness_points + bonus + deduction
    total = round(min(float(limits["max"]), max(float(limits["min"]), raw)), 1)
    grade = next(g["label"] for g in rubric.data["grades"] if total >= g["min"])
    assessment = rubric.data["assessment"]
    if assessment["mode"] == "points":
        assessment_points = round(float(assessment["points"]) * total / 100, 2)
    else:
        assessment_points = -float(assessment["deductions"].get(grade, 0))
    return ScoreOut(
        inp.year,
        total,
        grade,
        round(obligations_points, 2),
        round(rectification, 2),
        round(effectiveness_points, 2),
        round(bonus, 2),
        round(deduction, 2),
        assessment_points,
        lines,
        tuple(effectiveness),
        tuple(notes),
        any(line.provisional for line in lines) or rect.provisional,
        rect.lines,
    )
