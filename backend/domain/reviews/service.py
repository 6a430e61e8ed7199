"""审核: approve with a grade, return with coded reasons, or reopen an approved version.

Only the latest version of a submission is reviewed. A draft (release=False) is private to its
reviewer and replaces that reviewer's earlier draft on the version; releasing a decision makes
it count on the board, notifies the enterprise group and discards the version's other drafts.
Every write is audited in the transaction that makes it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from backend.db.tables import Review, Submission, SubmissionVersion
from backend.db.transactions import engine_type, write_transaction
from backend.domain.errors import Conflict, NotFound
from backend.domain.lists.panel import require_reason_to_approve
from backend.domain.reviews.decision import Decision, default_resubmit_by, validate
from backend.domain.reviews.exemptions import grant_exemption, grant_extension, revoke_exemption
from backend.domain.reviews.notify import notify_group
from backend.domain.reviews.queue import review_queue
from backend.lib.timeutil import cn_date, today
from backend.rules.vocabulary import Decision as Verdict
from backend.rules.vocabulary import Grade, ReturnReason, ReviewState
from backend.security.audit import Actor, AuditAction, record

__all__ = [
    "Decision",
    "decide",
    "default_resubmit_by",
    "grant_exemption",
    "grant_extension",
    "release_drafts",
    "released_decision",
    "review_queue",
    "revoke_exemption",
    "validate",
]


async def released_decision(version_id: int) -> str | None:
    """The last released decision on a version, if any."""
    row = (
        await Review.select(Review.decision)
        .where(Review.version == version_id, Review.state == ReviewState.RELEASED)
        .order_by(Review.released_at, Review.id, ascending=False)
        .first()
    )
    return row["decision"] if row else None


async def _target(submission_id: int) -> dict[str, Any]:
    """The submission with its enterprise and obligation, and the version to decide on."""
    if engine_type() == "postgres":  # serialise deciders, and uploads of a new version
        await Submission.select(Submission.id).where(Submission.id == submission_id).lock_rows()
    row = (
        await Submission.select(
            Submission.id,
            Submission.latest_version,
            Submission.enterprise.as_alias("enterprise_id"),
            Submission.enterprise.name.as_alias("enterprise_name"),
            Submission.enterprise.group_id.as_alias("group_id"),
            Submission.obligation.code.as_alias("code"),
            Submission.obligation.title.as_alias("title"),
            Submission.obligation.due_year.as_alias("due_year"),
        )
        .where(Submission.id == submission_id)
        .first()
    )
    if row is None:
        raise NotFound("未找到该报送。")
    version = (
        await SubmissionVersion.select(SubmissionVersion.id)
        .where(
            SubmissionVersion.submission == submission_id,
            SubmissionVersion.version_no == row["latest_version"],
        )
        .first()
    )
    if version is None:
        raise Conflict("该报送尚无可审核的版本。")
    row["version_id"] = version["id"]
    row["group_id"] = row["group_id"] or row["enterprise_id"]
    return row


async def _check_open(target: dict[str, Any], decision: str) -> None:
    released = await released_decision(target["version_id"])
    number = target["latest_version"]
    if decision == "reopen":
        if released != Verdict.APPROVE:
            raise Conflict(f"第 {number} 版尚未审核通过，不能重新打开。")
    elif released is not None:
        label = Verdict.label_of(released, "已审核")
        raise Conflict(f"第 {number} 版已审核（{label}），不能重复审核；请等待企业报送新版本。")


def _notice(target: dict[str, Any], d: Decision) -> tuple[str, str]:
    title = (
        f"【{Verdict(d.decision).notice}】{target['code']}（{target['due_year']}年度）{target['title']}"
        f"（第 {target['latest_version']} 版）"
    )
    if d.decision == Verdict.APPROVE:
        parts = [f"审核通过，评级：{Grade.label_of(d.grade, '—')}"]
    else:
        reasons = "、".join(ReturnReason.label_of(c, "其他") for c in d.reasons)
        parts = [f"退回原因：{reasons}"] if reasons else []
    if d.comment:
        parts.append(f"审核意见：{d.comment.strip().rstrip('。；;.')}")
    if d.resubmit_by:
        parts.append(f"请于{cn_date(d.resubmit_by)}前重新报送")
    return title, "；".join(parts) + "。"


async def _announce(target: dict[str, Any], d: Decision, review_id: int) -> int:
    title, body = _notice(target, d)
    discarded = await Review.select(Review.id).where(
        Review.version == target["version_id"],
        Review.state == ReviewState.DRAFT,
        Review.id != review_id,
    )
    if discarded:
        await Review.delete().where(Review.id.is_in([r["id"] for r in discarded]))
    await notify_group(
        target["group_id"], target["enterprise_id"], kind="review", title=title, body=body
    )
    return len(discarded)


def _changes(target: dict[str, Any], d: Decision, state: str, review_id: int) -> dict[str, Any]:
    return {
        "review_id": review_id,
        "version": target["latest_version"],
        "obligation": target["code"],
        "decision": d.decision,
        "grade": d.grade,
        "reasons": d.reasons,
        "comment": d.comment,
        "resubmit_by": d.resubmit_by,
        "state": state,
    }


async def decide(
    submission_id: int,
    *,
    decision: str,
    grade: str | None = "",
    reasons: Sequence[str] = (),
    comment: str | None = "",
    resubmit_by: dt.date | None = None,
    actor: Actor,
    release: bool,
) -> dict[str, Any]:
    """Record a decision on the submission's latest version, as a draft or released."""
    d = validate(decision, grade, reasons, comment, resubmit_by)
    state = "released" if release else "draft"
    async with write_transaction():
        target = await _target(submission_id)
        await _check_open(target, d.decision)
        overrides = await require_reason_to_approve(
            target["enterprise_id"], target["code"], d.decision, d.comment
        )
        if not release:
            await Review.delete().where(
                Review.version == target["version_id"],
                Review.state == ReviewState.DRAFT,
                Review.reviewer == actor.id,
            )
        inserted = await Review.insert(
            Review(
                version=target["version_id"],
                reviewer=actor.id,
                decision=d.decision,
                grade=d.grade,
                reasons=json.dumps(d.reasons),
                remark=d.comment,
                resubmit_by=d.resubmit_by,
                state=state,
                released_at=dt.datetime.now(dt.UTC) if release else None,
            )
        ).returning(Review.id)
        review_id = inserted[0]["id"]
        changes = _changes(target, d, state, review_id)
        if overrides:
            changes["lists_failing_overridden"] = True
        if release:
            changes["discarded_drafts"] = await _announce(target, d, review_id)
        await record(
            AuditAction.REVIEW,
            actor,
            entity="submission",
            entity_id=submission_id,
            enterprise_id=target["enterprise_id"],
            changes=changes,
        )
    return {
        "review_id": review_id,
        "submission_id": submission_id,
        "version": target["latest_version"],
        "decision": d.decision,
        "state": state,
    }


async def release_drafts(ids: Iterable[int], actor: Actor) -> int:
    """Release the given drafts that can still be released (their version is the latest and
    still open); returns how many were released. Others are left as they are."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return 0
    released = 0
    async with write_transaction():
        drafts = (
            await Review.select(
                Review.id,
                Review.reviewer,
                Review.decision,
                Review.grade,
                Review.reasons,
                Review.remark,
                Review.resubmit_by,
                Review.version.submission.as_alias("submission_id"),
                Review.version.version_no.as_alias("version_no"),
            )
            .where(Review.id.is_in(wanted), Review.state == ReviewState.DRAFT)
            .order_by(Review.id)
        )
        for draft in drafts:
            # An earlier draft of this batch may have decided the version: re-read each time.
            if not await Review.exists().where(Review.id == draft["id"]):
                continue
            target = await _target(draft["submission_id"])
            if target["latest_version"] != draft["version_no"]:
                continue
            try:
                await _check_open(target, draft["decision"])
            except Conflict:
                continue
            reasons = draft["reasons"] or "[]"
            resubmit_by = draft["resubmit_by"]
            if resubmit_by is not None and resubmit_by <= today():  # the draft waited too long
                resubmit_by = default_resubmit_by()
            d = Decision(
                draft["decision"],
                draft["grade"],
                json.loads(reasons) if isinstance(reasons, str) else list(reasons),
                draft["remark"],
                resubmit_by,
            )
            await Review.update(
                {
                    Review.state: "released",
                    Review.released_at: dt.datetime.now(dt.UTC),
                    Review.resubmit_by: d.resubmit_by,
                }
            ).where(Review.id == draft["id"])
            changes = _changes(target, d, "released", draft["id"])
            changes["drafted_by"] = draft["reviewer"]
            changes["discarded_drafts"] = await _announce(target, d, draft["id"])
            await record(
                AuditAction.REVIEW,
                actor,
                entity="submission",
                entity_id=target["id"],
                enterprise_id=target["enterprise_id"],
                changes=changes,
            )
            released += 1
    return released
