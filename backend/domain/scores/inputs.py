"""Fetch what the scoring function reads, for many enterprises at once, in a fixed number of
queries (as the board does): obligations of the year, versions and released reviews up to the
instant, exemptions, effectiveness ratings and adjustments of the year, and any lock."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from backend.db import fastread
from backend.db.fastread import as_utc
from backend.db.tables import EffectivenessRating, Obligation, ScoreAdjustment, ScoreLock
from backend.rules.cell_status import ExemptionFact
from backend.rules.cohorts import Cohort, reports
from backend.rules.scoring import ObligationIn, ReviewIn, Rubric, VersionIn
from backend.settings import get_settings

CellKey = tuple[int, int]


@dataclass(frozen=True)
class ObligationRow:
    id: int
    code: str
    title: str
    applies_to: str
    due_on: dt.date


@dataclass
class Inputs:
    obligations: list[ObligationRow] = field(default_factory=list)
    versions: dict[CellKey, list[VersionIn]] = field(default_factory=dict)
    reviews: dict[CellKey, list[ReviewIn]] = field(default_factory=dict)
    exemptions: dict[CellKey, list[ExemptionFact]] = field(default_factory=dict)
    ratings: dict[int, dict[str, str]] = field(default_factory=dict)  # hand overrides
    rating_reasons: dict[int, dict[str, str]] = field(default_factory=dict)
    adjustments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def obligations_in(
        self, enterprise_id: int, cohort: Cohort, as_of: dt.datetime
    ) -> tuple[ObligationIn, ...]:
        result = []
        for o in self.obligations:
            if not reports(o.applies_to, cohort):
                continue
            key = (enterprise_id, o.id)
            in_force = [x for x in self.exemptions.get(key, ()) if x.in_force(as_of)]
            exempt = any(x.kind == "exempt" for x in in_force)
            versions = [v for v in self.versions.get(key, ()) if v.submitted_at <= as_of]
            # An extension granted after the first submission does not excuse its lateness.
            cutoff = min((v.submitted_at for v in versions), default=as_of)
            extensions = sorted(
                (
                    x
                    for x in in_force
                    if x.kind == "extension" and x.extended_to and x.in_force(cutoff)
                ),
                key=lambda x: x.granted_at,
            )
            due_on = extensions[-1].extended_to if extensions else o.due_on
            result.append(
                ObligationIn(
                    o.id,
                    o.code,
                    o.title,
                    due_on or o.due_on,
                    exempt,
                    tuple(sorted(self.versions.get(key, ()), key=lambda v: v.version_no)),
                    tuple(sorted(self.reviews.get(key, ()), key=lambda r: r.released_at)),
                )
            )
        return tuple(result)


@lru_cache(maxsize=8)
def rubric_for(programme_code: str) -> Rubric:
    folder = get_settings().seed_dir / "rubrics"
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("programme") == programme_code:
            return Rubric(data)
    raise LookupError(f"未找到工作方案 {programme_code} 的评分细则。")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _ids(values: list[int]) -> str:
    return ", ".join(str(int(v)) for v in values) or "0"


async def programme_years(programme_id: int) -> list[int]:
    rows = await Obligation.select(Obligation.due_year).where(
        Obligation.programme == programme_id,
        Obligation.active == True,  # noqa: E712
    )
    return sorted({r["due_year"] for r in rows})


async def load_inputs(
    programme_id: int, year: int, as_of: dt.datetime, enterprise_ids: list[int] | None
) -> Inputs:
    inputs = Inputs()
    rows = (
        await Obligation.select(
            Obligation.id,
            Obligation.code,
            Obligation.title,
            Obligation.applies_to,
            Obligation.due_on,
        )
        .where(
            Obligation.programme == programme_id,
            Obligation.due_year == year,
            Obligation.active == True,  # noqa: E712
        )
        .order_by(Obligation.sort_order)
    )
    inputs.obligations = [
        ObligationRow(r["id"], r["code"], r["title"], r["applies_to"], r["due_on"]) for r in rows
    ]
    only = f" AND s.enterprise IN ({_ids(enterprise_ids)})" if enterprise_ids is not None else ""
    cells = f"s.obligation IN ({_ids([o.id for o in inputs.obligations])}){only}"
    for e, o, number, submitted_at in await fastread.fetch_tuples(
        "SELECT s.enterprise, s.obligation, v.version_no, v.submitted_at "
        "FROM submission_version v JOIN submission s ON s.id = v.submission "
        f"WHERE {cells} AND v.submitted_at <= {{}}",
        as_of,
    ):
        version = VersionIn(number, as_utc(submitted_at))  # type: ignore[arg-type]
        inputs.versions.setdefault((e, o), []).append(version)
    for e, o, number, decision, grade, released_at, resubmit_by in await fastread.fetch_tuples(
        "SELECT s.enterprise, s.obligation, v.version_no, r.decision, r.grade, r.released_at, "
        "r.resubmit_by FROM review r JOIN submission_version v ON v.id = r.version "
        "JOIN submission s ON s.id = v.submission "
        f"WHERE {cells} AND r.state = 'released' AND r.released_at <= {{}} "
        "AND v.submitted_at <= {}",
        as_of,
        as_of,
    ):
        review = ReviewIn(number, decision, grade or "", as_utc(released_at), _date(resubmit_by))  # type: ignore[arg-type]
        inputs.reviews.setdefault((e, o), []).append(review)
    for e, o, kind, granted_at, revoked_at, extended_to in await fastread.fetch_tuples(
        "SELECT s.enterprise, s.obligation, s.kind, s.granted_at, s.revoked_at, s.extended_to "
        f"FROM exemption s WHERE {cells} AND s.granted_at <= {{}}",
        as_of,
    ):
        fact = ExemptionFact(kind, as_utc(granted_at), as_utc(revoked_at), _date(extended_to))  # type: ignore[arg-type]
        inputs.exemptions.setdefault((e, o), []).append(fact)

    ratings = EffectivenessRating.select(
        EffectivenessRating.enterprise,
        EffectivenessRating.dimension,
        EffectivenessRating.rating,
        EffectivenessRating.reason,
    ).where(EffectivenessRating.score_year == year)
    adjustments = (
        ScoreAdjustment.select(
            ScoreAdjustment.id,
            ScoreAdjustment.enterprise,
            ScoreAdjustment.amount,
            ScoreAdjustment.reason,
            ScoreAdjustment.created_at,
            ScoreAdjustment.created_by.display_name.as_alias("by"),
        )
        .where(ScoreAdjustment.score_year == year, ScoreAdjustment.revoked_at.is_null())
        .order_by(ScoreAdjustment.id)
    )
    if enterprise_ids is not None:
        ratings = ratings.where(EffectivenessRating.enterprise.is_in(enterprise_ids or [0]))
        adjustments = adjustments.where(ScoreAdjustment.enterprise.is_in(enterprise_ids or [0]))
    for r in await ratings:
        inputs.ratings.setdefault(r["enterprise"], {})[r["dimension"]] = r["rating"]
        inputs.rating_reasons.setdefault(r["enterprise"], {})[r["dimension"]] = r["reason"]
    for a in await adjustments:
        inputs.adjustments.setdefault(a["enterprise"], []).append(
            {
                "id": a["id"],
                "amount": float(a["amount"]),
                "reason": a["reason"],
                "by": a["by"] or "",
                "at": as_utc(a["created_at"]),
            }
        )
    return inputs


async def active_lock(programme_id: int, year: int) -> dict[str, Any] | None:
    row = (
        await ScoreLock.select(
            ScoreLock.id,
            ScoreLock.as_of,
            ScoreLock.snapshot,
            ScoreLock.locked_at,
            ScoreLock.locked_by.display_name.as_alias("locked_by_name"),
        )
        .where(
            ScoreLock.programme == programme_id,
            ScoreLock.score_year == year,
            ScoreLock.unlocked_at.is_null(),
        )
        .order_by(ScoreLock.id, ascending=False)
        .first()
    )
    if row is None:
        return None
    snapshot = row["snapshot"]
    row["snapshot"] = json.loads(snapshot) if isinstance(snapshot, str | bytes) else snapshot
    row["as_of"] = _date(row["as_of"])
    return row
