"""合规管理得分 of the groups (UPG7, T1) for a year, as of a date: facts in, `score()` out.

A locked year answers from its snapshot, so its scores no longer move when data changes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from backend.domain.programmes.service import list_programmes, pick_programme
from backend.domain.rectification.reads import findings_for_scores, latest_sasac_ratings
from backend.domain.scores.inputs import active_lock, load_inputs, rubric_for
from backend.domain.shared.enterprises import EnterpriseRow, visible_enterprises
from backend.lib.timeutil import end_of_day
from backend.rules.cohorts import Cohort
from backend.rules.rectification.scoring import FindingLine
from backend.rules.rectification.vocabulary import FindingStatus, RatingDimension
from backend.rules.scoring import AdjustmentIn, Line, ScoreIn, ScoreOut, score
from backend.rules.vocabulary import Rating

GROUP_COHORTS = (Cohort.UPG7, Cohort.T1)


class ScoreError(ValueError):
    """A refused change, with a Chinese message for the user."""


@dataclass
class EnterpriseScore:
    enterprise: EnterpriseRow
    result: ScoreOut
    adjustments: list[dict[str, Any]]  # {"amount", "reason", "by", "at"} (at: aware datetime)
    locked: bool


async def current_programme(programme_id: int | None = None) -> dict[str, Any] | None:
    return pick_programme(await list_programmes(), programme_id)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def breakdown_json(s: EnterpriseScore) -> dict[str, Any]:
    r = s.result
    return {
        "enterprise_id": s.enterprise.id,
        "enterprise_name": s.enterprise.name,
        "year": r.year,
        "total": r.total,
        "grade": r.grade,
        "parts": {
            "obligations": r.obligations_points,
            "rectification": r.rectification_points,
            "effectiveness": r.effectiveness_points,
            "bonus": r.bonus,
            "deduction": r.deduction,
        },
        "assessment_points": r.assessment_points,
        "provisional": r.provisional,
        "locked": s.locked,
        "breakdown": [
            {
                "obligation_id": line.obligation_id,
                "code": line.code,
                "title": line.title,
                "due_on": _iso(line.due_on),
                "first_submitted_at": _iso(line.first_submitted_at),
                "workdays_late": line.workdays_late,
                "t": line.t,
                "t_note": line.t_note,
                "grade": line.grade,
                "q": line.q,
                "q_note": line.q_note,
                "weight": line.weight,
                "points": round(line.points, 4),
                "counted": line.counted,
                "provisional": line.provisional,
            }
            for line in r.lines
        ],
        "effectiveness": [
            {"dimension": label, "rating": rating, "points": points}
            for label, rating, points in r.effectiveness
        ],
        "rectification": [
            {
                "finding_id": f.finding_id,
                "title": f.title,
                "severity": f.severity,
                "weight": f.weight,
                "deadline": _iso(f.deadline),
                "status": f.status.value,
                "factor": f.factor,
                "note": f.note,
                "points": round(f.points, 4),
                "provisional": f.provisional,
            }
            for f in r.rectification
        ],
        "adjustments": [
            {
                "id": a.get("id"),
                "amount": a["amount"],
                "reason": a["reason"],
                "by": a["by"],
                "at": _iso(a["at"]),
            }
            for a in s.adjustments
        ],
        "notes": list(r.notes),
    }


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def score_from_json(item: dict[str, Any]) -> ScoreOut:
    """Rebuild a ScoreOut from a snapshot item written by `breakdown_json`."""
    parts = item["parts"]
    lines = tuple(
        Line(
            int(x.get("obligation_id") or 0),
            x["code"],
            x["title"],
            dt.date.fromisoformat(x["due_on"]),
            _datetime(x["first_submitted_at"]),
            int(x["workdays_late"]),
            float(x["t"]),
            x["t_note"],
            x["grade"],
            float(x["q"]),
            x["q_note"],
            float(x["weight"]),
            float(x["points"]),
            bool(x["counted"]),
            bool(x["provisional"]),
        )
        for x in item["breakdown"]
    )
    return ScoreOut(
        int(item["year"]),
        float(item["total"]),
        item["grade"],
        float(parts["obligations"]),
        float(parts["rectification"]),
        float(parts["effectiveness"]),
        float(parts["bonus"]),
        float(parts["deduction"]),
        float(item["assessment_points"]),
        lines,
        tuple((e["dimension"], e["rating"], float(e["points"])) for e in item["effectiveness"]),
        tuple(item["notes"]),
        bool(item["provisional"]),
        tuple(
            FindingLine(
                int(f["finding_id"]),
                f["title"],
                f["severity"],
                float(f["weight"]),
                dt.date.fromisoformat(f["deadline"]),
                FindingStatus(f["status"]),
                float(f["factor"]),
                f["note"],
                float(f["points"]),
                bool(f["provisional"]),
            )
            for f in item.get("rectification", ())  # snapshots from before the 整改台账 have none
        ),
    )


def _from_snapshot(item: dict[str, Any], enterprise: EnterpriseRow) -> EnterpriseScore:
    adjustments = [{**a, "at": _datetime(a["at"])} for a in item["adjustments"]]
    return EnterpriseScore(enterprise, score_from_json(item), adjustments, True)


def _sorted(scores: list[EnterpriseScore]) -> list[EnterpriseScore]:
    return sorted(scores, key=lambda s: (-s.result.total, s.enterprise.name))


def effectiveness_ratings(
    inspection: dict[str, Any] | None, overrides: dict[str, str], reasons: dict[str, str]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """The year's latest SASAC inspection rating of the group, dimension by dimension, unless
    SASAC overrode one by hand (with a reason); and the notes that say which applied."""
    ratings = dict(inspection["ratings"]) if inspection else {}
    notes = []
    if inspection:
        notes.append(f"有效性评价取自“{inspection['name']}”的检查评价。")
    for dimension, rating in overrides.items():
        ratings[dimension] = rating
        reason = reasons.get(dimension) or "（未说明理由）"
        notes.append(
            f"{RatingDimension.label_of(dimension)}由国资委改定为“{Rating.label_of(rating)}”，"
            f"理由：{reason}"
        )
    return ratings, tuple(notes)


async def _live(
    programme: dict[str, Any], year: int, as_of: dt.date, groups: list[EnterpriseRow]
) -> list[EnterpriseScore]:
    rubric = rubric_for(programme["code"])
    instant = end_of_day(as_of)
    ids = [g.id for g in groups] if len(groups) <= 500 else None
    inputs = await load_inputs(programme["id"], year, instant, ids)
    findings = await findings_for_scores(year, ids, instant)
    inspected = await latest_sasac_ratings(year, ids)
    scores = []
    for g in groups:
        adjustments = inputs.adjustments.get(g.id, [])
        ratings, basis = effectiveness_ratings(
            inspected.get(g.id), inputs.ratings.get(g.id, {}), inputs.rating_reasons.get(g.id, {})
        )
        result = score(
            rubric,
            ScoreIn(
                year=year,
                as_of=instant,
                obligations=inputs.obligations_in(g.id, g.cohort, instant),
                ratings=ratings,
                adjustments=tuple(
                    AdjustmentIn(a["amount"], a["reason"], a["by"], a["at"]) for a in adjustments
                ),
                findings=findings.get(g.id, ()),
                basis=basis,
            ),
        )
        scores.append(EnterpriseScore(g, result, adjustments, False))
    return scores


async def compute_scores(
    year: int,
    as_of: dt.date,
    *,
    scope: int | None = None,
    programme_id: int | None = None,
    live: bool = False,
) -> list[EnterpriseScore]:
    """Every visible group's score, best first; a locked year answers from its snapshot
    (unless `live`, used to take the snapshot)."""
    programme = await current_programme(programme_id)
    if programme is None:
        return []
    groups = [e for e in await visible_enterprises(scope) if e.cohort in GROUP_COHORTS]
    lock = None if live else await active_lock(programme["id"], year)
    if lock is not None:
        by_id = {g.id: g for g in groups}
        return _sorted(
            [
                _from_snapshot(item, by_id[item["enterprise_id"]])
                for item in lock["snapshot"]
                if item["enterprise_id"] in by_id
            ]
        )
    return _sorted(await _live(programme, year, as_of, groups))


async def score_for(
    enterprise_id: int,
    year: int,
    as_of: dt.date,
    *,
    scope: int | None,
    programme_id: int | None = None,
) -> EnterpriseScore | None:
    programme = await current_programme(programme_id)
    if programme is None:
        return None
    groups = [
        e
        for e in await visible_enterprises(scope)
        if e.id == enterprise_id and e.cohort in GROUP_COHORTS
    ]
    if not groups:
        return None
    lock = await active_lock(programme["id"], year)
    if lock is not None:
        item = next((i for i in lock["snapshot"] if i["enterprise_id"] == enterprise_id), None)
        return _from_snapshot(item, groups[0]) if item is not None else None
    return (await _live(programme, year, as_of, groups))[0]


def snapshot_text(scores: list[EnterpriseScore]) -> str:
    return json.dumps([breakdown_json(s) for s in scores], ensure_ascii=False)


__all__ = [
    "EnterpriseScore",
    "ScoreError",
    "breakdown_json",
    "compute_scores",
    "score_for",
]
