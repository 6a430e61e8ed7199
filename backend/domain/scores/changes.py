"""SASAC's changes to scores: effectiveness ratings, adjustments, locking and unlocking a year.
Each is audited in the same write transaction."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from backend.db.tables import EffectivenessRating, ScoreAdjustment, ScoreLock
from backend.db.transactions import write_transaction
from backend.domain.scores.inputs import active_lock, programme_years, rubric_for
from backend.domain.scores.service import (
    GROUP_COHORTS,
    ScoreError,
    compute_scores,
    current_programme,
    snapshot_text,
)
from backend.domain.shared.enterprises import get_enterprise
from backend.rules.vocabulary import Rating
from backend.security.audit import Actor, AuditAction, record

RATINGS = tuple(r.value for r in Rating if r is not Rating.UNRATED)
MAX_AMOUNT = 20.0


async def _programme_and_check(year: int, *, unlocked: bool = True) -> dict[str, Any]:
    programme = await current_programme()
    if programme is None:
        raise ScoreError("尚未导入工作方案。")
    years = await programme_years(programme["id"])
    if year not in years:
        raise ScoreError(f"该工作方案的年度为 {years[0]}—{years[-1]} 年，请重新选择。")
    if unlocked and await active_lock(programme["id"], year) is not None:
        raise ScoreError(f"{year}年度得分已锁定，请先解锁再修改。")
    return programme


async def _group(enterprise_id: int) -> None:
    row = await get_enterprise(enterprise_id)
    if row is None or row.cohort not in GROUP_COHORTS:
        raise ScoreError("只对集团（市属一级企业、提级管理企业）计分。")


async def current_overrides(enterprise_id: int, year: int) -> dict[str, str]:
    """The dimensions SASAC rated by hand this year (they override the inspection's rating)."""
    rows = await EffectivenessRating.select(
        EffectivenessRating.dimension, EffectivenessRating.rating
    ).where(EffectivenessRating.enterprise == enterprise_id, EffectivenessRating.score_year == year)
    return {r["dimension"]: r["rating"] for r in rows}


async def set_ratings(
    enterprise_id: int, year: int, ratings: dict[str, str], actor: Actor, reason: str = ""
) -> int:
    """Override (or, with "", stop overriding) the rating of each named dimension, which
    otherwise comes from the year's latest SASAC inspection; an override needs a reason.
    Returns the number of changes."""
    programme = await _programme_and_check(year)
    await _group(enterprise_id)
    dimensions = rubric_for(programme["code"]).data["effectiveness"]["dimensions"]
    for dimension, rating in ratings.items():
        if dimension not in dimensions:
            raise ScoreError(f"评价维度“{dimension}”无效。")
        if rating not in ("", *RATINGS):
            raise ScoreError(f"评价等级“{rating}”无效，可选：优、良、合格、不合格。")
    changes: dict[str, dict[str, str]] = {}
    async with write_transaction():
        for dimension, rating in ratings.items():
            key = f"{enterprise_id}:{year}:{dimension}"
            before = (
                await EffectivenessRating.select(EffectivenessRating.rating)
                .where(EffectivenessRating.natural_key == key)
                .first()
            )
            old = before["rating"] if before else ""
            if old == rating:
                continue
            changes[dimension] = {"from": old, "to": rating}
            if not reason.strip():
                raise ScoreError("改定有效性评价须说明理由。")
            if before is not None:
                await EffectivenessRating.delete().where(EffectivenessRating.natural_key == key)
            if rating:
                await EffectivenessRating.insert(
                    EffectivenessRating(
                        enterprise=enterprise_id,
                        score_year=year,
                        dimension=dimension,
                        rating=rating,
                        natural_key=key,
                        rated_by=actor.id,
                        rated_at=dt.datetime.now(dt.UTC),
                        reason=reason.strip()[:1000],
                    )
                )
        if changes:
            await record(
                AuditAction.RATING_OVERRIDE,
                actor,
                entity="effectiveness_rating",
                entity_id=f"{enterprise_id}:{year}",
                enterprise_id=enterprise_id,
                changes={"year": year, "ratings": changes, "reason": reason.strip()},
            )
    return len(changes)


async def set_rating(
    enterprise_id: int, year: int, dimension: str, rating: str, actor: Actor, reason: str = ""
) -> int:
    return await set_ratings(enterprise_id, year, {dimension: rating}, actor, reason)


async def add_adjustment(
    enterprise_id: int, year: int, amount: float, reason: str, actor: Actor
) -> int:
    reason = reason.strip()
    if not reason:
        raise ScoreError("请填写加减分理由。")
    if not math.isfinite(amount) or amount == 0:
        raise ScoreError("加减分分值不能为 0。")
    if abs(amount) > MAX_AMOUNT:
        raise ScoreError("单项加减分不能超过 20 分（加分合计最多 +5，扣分合计最多 −20）。")
    await _programme_and_check(year)
    await _group(enterprise_id)
    amount = round(float(amount), 2)
    async with write_transaction():
        rows = await ScoreAdjustment.insert(
            ScoreAdjustment(
                enterprise=enterprise_id,
                score_year=year,
                amount=amount,
                reason=reason[:1000],
                created_by=actor.id,
                created_at=dt.datetime.now(dt.UTC),
            )
        ).returning(ScoreAdjustment.id)
        new_id = int(rows[0]["id"])
        await record(
            AuditAction.SCORE_ADJUST,
            actor,
            entity="score_adjustment",
            entity_id=new_id,
            enterprise_id=enterprise_id,
            changes={"year": year, "amount": amount, "reason": reason[:1000]},
        )
    return new_id


async def revoke_adjustment(adjustment_id: int, actor: Actor, reason: str = "") -> None:
    row = (
        await ScoreAdjustment.select()
        .where(ScoreAdjustment.id == adjustment_id, ScoreAdjustment.revoked_at.is_null())
        .first()
    )
    if row is None:
        raise ScoreError("未找到该加减分记录，或已撤销。")
    await _programme_and_check(row["score_year"])
    async with write_transaction():
        await ScoreAdjustment.update({ScoreAdjustment.revoked_at: dt.datetime.now(dt.UTC)}).where(
            ScoreAdjustment.id == adjustment_id
        )
        await record(
            AuditAction.SCORE_ADJUST,
            actor,
            entity="score_adjustment",
            entity_id=adjustment_id,
            enterprise_id=row["enterprise"],
            changes={"revoked": True, "amount": row["amount"], "reason": reason.strip()},
        )


async def lock_year(year: int, as_of: dt.date, actor: Actor) -> int:
    programme = await _programme_and_check(year)
    scores = await compute_scores(year, as_of, programme_id=programme["id"], live=True)
    async with write_transaction():
        rows = await ScoreLock.insert(
            ScoreLock(
                programme=programme["id"],
                score_year=year,
                as_of=as_of,
                snapshot=snapshot_text(scores),
                locked_by=actor.id,
                locked_at=dt.datetime.now(dt.UTC),
            )
        ).returning(ScoreLock.id)
        lock_id = int(rows[0]["id"])
        await record(
            AuditAction.SCORE_LOCK,
            actor,
            entity="score_lock",
            entity_id=lock_id,
            changes={"year": year, "as_of": as_of, "enterprises": len(scores)},
        )
    return lock_id


async def unlock_year(year: int, actor: Actor, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ScoreError("请填写解锁理由。")
    programme = await _programme_and_check(year, unlocked=False)
    lock = await active_lock(programme["id"], year)
    if lock is None:
        raise ScoreError(f"{year}年度得分未锁定。")
    async with write_transaction():
        await ScoreLock.update(
            {ScoreLock.unlocked_at: dt.datetime.now(dt.UTC), ScoreLock.unlocked_by: actor.id}
        ).where(ScoreLock.id == lock["id"])
        await record(
            AuditAction.SCORE_UNLOCK,
            actor,
            entity="score_lock",
            entity_id=lock["id"],
            changes={"year": year, "reason": reason[:500]},
        )
