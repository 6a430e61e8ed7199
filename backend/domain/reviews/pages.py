"""What the review pages show: the submission, its obligation, files, history and form state."""

from __future__ import annotations

import json
from typing import Any

from backend.db.tables import Exemption, Obligation, Review, SubmissionVersion
from backend.domain.board.history import cell_history
from backend.domain.errors import NotFound
from backend.domain.lists.panel import lists_panel
from backend.domain.reviews.service import default_resubmit_by, released_decision
from backend.domain.submissions.reads import submission_detail
from backend.lib.timeutil import today
from backend.rules.vocabulary import Decision, Grade, ReturnReason, ReviewState
from backend.settings import get_settings

PREVIEW_TYPES = {"application/pdf": "pdf", "image/jpeg": "image", "image/png": "image"}
PREVIEW_KINDS = {"pdf": "pdf", "jpg": "image", "png": "image"}
DONE_NOTICES = {
    "draft": "草稿已保存（仅审核人员可见，发布后企业才能看到）。",
    "released": "审核结论已发布，看板已更新，企业已收到通知。",
    "reopened": "已重新打开，企业需报送新版本。",
    "exempt": "已认定为不适用。",
    "extended": "已同意延期，看板上的截止日期已更新。",
    "revoked": "已撤销。",
}


def blank_form() -> dict[str, Any]:
    return {
        "decision": "",
        "grade": "",
        "reasons": [],
        "comment": "",
        "resubmit_by": default_resubmit_by().isoformat(),
    }


def form_from_draft(draft: dict[str, Any]) -> dict[str, Any]:
    reasons = draft["reasons"] or "[]"
    return {
        "decision": draft["decision"],
        "grade": draft["grade"],
        "reasons": json.loads(reasons) if isinstance(reasons, str) else list(reasons),
        "comment": draft["remark"],
        "resubmit_by": (draft["resubmit_by"] or default_resubmit_by()).isoformat(),
    }


async def obligation_options() -> list[dict[str, str]]:
    rows = await Obligation.select(Obligation.code, Obligation.title).order_by(
        Obligation.sort_order
    )
    seen: dict[str, dict[str, str]] = {}
    for row in rows:
        seen.setdefault(row["code"], {"code": row["code"], "title": row["title"]})
    return list(seen.values())


async def review_context(
    submission_id: int, reviewer_id: int | None, form: dict[str, Any] | None = None
) -> dict[str, Any]:
    sub = await submission_detail(submission_id, None)
    if sub is None:
        raise NotFound("未找到该报送。")
    history = await cell_history(
        sub["enterprise_id"], sub["obligation_id"], today(), get_settings().due_soon_workdays
    )
    if history is None:
        raise NotFound("未找到该企业的这项节点任务。")
    latest = sub["versions"][-1] if sub["versions"] else None
    for version in sub["versions"]:
        for f in version["files"]:
            f["preview"] = PREVIEW_KINDS.get(f["kind"], "")
    version_row = (
        await SubmissionVersion.select(SubmissionVersion.id)
        .where(
            SubmissionVersion.submission == submission_id,
            SubmissionVersion.version_no == sub["latest_version"],
        )
        .first()
    )
    drafts = []
    if version_row is not None:
        drafts = (
            await Review.select(
                Review.id,
                Review.reviewer,
                Review.decision,
                Review.grade,
                Review.reasons,
                Review.remark,
                Review.resubmit_by,
                Review.created_at,
                Review.reviewer.display_name.as_alias("reviewer_name"),
            )
            .where(Review.version == version_row["id"], Review.state == ReviewState.DRAFT)
            .order_by(Review.id)
        )
    mine = next((d for d in reversed(drafts) if d["reviewer"] == reviewer_id), None)
    exemptions = (
        await Exemption.select(
            *Exemption.all_columns(),
            Exemption.granted_by.display_name.as_alias("granted_by_name"),
        )
        .where(
            Exemption.enterprise == sub["enterprise_id"],
            Exemption.obligation == sub["obligation_id"],
        )
        .order_by(Exemption.granted_at)
    )
    if form is None:
        form = form_from_draft(mine) if mine else blank_form()
    lists = await lists_panel(sub["enterprise_id"], history.obligation["code"])
    return {
        "sub": sub,
        "h": history,
        "latest": latest,
        "released": await released_decision(version_row["id"]) if version_row else None,
        "my_draft": mine,
        "other_drafts": [d for d in drafts if d["reviewer"] != reviewer_id],
        "exemptions": exemptions,
        "form": form,
        "grades": Grade.labels(),
        "reason_labels": ReturnReason.labels(),
        "decision_labels": Decision.labels(),
        "grade_labels": Grade.labels(),
        "today": today(),
        "active_menu": "reviews",
        "lists": lists,
    }
